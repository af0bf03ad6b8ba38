"""Value primitives: names, emails and phones, cards, money, ids and templates, regex-built
strings, dates and date bounds, catalogue items, the pools they sample from, and how a record
builder sees its request (`context`). Faker is imported by `faker_pools` alone."""
