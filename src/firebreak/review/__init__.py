"""Reserved for post-incident reviews: nothing is built here yet, and nothing imports this package."""
