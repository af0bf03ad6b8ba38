"""The LLM path: prompts (`prompt_builder`, the PRD's text in `prompts/`), structured-output
schemas (`json_schema`), parsing and merging the model's fields into skeleton records, the
fallback chain and its report. Models are reached only through `backend.LLMBackend`
(implemented in `clients/`)."""
