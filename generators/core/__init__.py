"""The small core every other part builds on, and which imports nothing of the project: the
request (`request`), schema (`schema`) and knowledge (`knowledge`) models, the record
(`record`), the generator protocol (`protocol`), the error tree (`errors`) and the hint
vocabulary (`hints`)."""
