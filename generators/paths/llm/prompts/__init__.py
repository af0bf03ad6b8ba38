"""The PRD's system prompt and user-prompt templates; retailer knowledge is a data file."""
