def create_directory(rng, ctx, options):
    """Placeholder replaced below."""
