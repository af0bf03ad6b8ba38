"""`make bench`: latency, throughput and memory figures for the backbone, printed as one table.

Every ratio is against a baseline measured in the same run on the same machine, so the figures
compare across machines. Bounded in count and time; all traffic stays on 127.0.0.1.
"""
