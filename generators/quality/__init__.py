"""Whether requests and records are right: request validation naming the field at fault
(`validation`) and the coherence score with the rule checks behind it (`coherence`)."""
