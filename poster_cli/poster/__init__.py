"""The Poster web API: client, typed models, errors, webhook signatures."""
