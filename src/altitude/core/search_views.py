"""The search page behind the search box in the top bar."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from altitude.core.search import MIN_QUERY, search


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    results = search(request.user, query)
    return render(request, "search.html", {
        "q": query, "results": results, "too_short": 0 < len(query) < MIN_QUERY, "min_query": MIN_QUERY,
    })
