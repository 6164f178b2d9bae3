def contract_key(key, key_prefix, version):
    """No prefix or version: the Redis keys are the contract's (user:{id})."""
    return key
