"""The statement lists: filters, facets, pagination and the listing every list page
shares; ``selection`` is what the other surfaces (exports, feeds, the API) take from here."""
