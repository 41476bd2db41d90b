"""The one owner of a request's life: intake, policy, case, production, delivery, holds, notices.

Each stage is called from here and hands back typed values; no stage calls a stage above it.
"""
