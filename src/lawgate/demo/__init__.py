"""The demo marketplace: synthetic platform user data for lawgate to collect from.

See lawgate.demo.marketplace for the generator and the fixed accounts it always plants.
"""
