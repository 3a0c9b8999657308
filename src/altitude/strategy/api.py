"""``/api/v1/portfolios``: thin handlers; rules live in services and the policy table."""


from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from altitude.core.api import expected_version
from altitude.strategy import services
from altitude.strategy.models import Portfolio
from altitude.strategy.schemas import PortfolioIn, PortfolioOut, PortfolioPatch

router = Router(tags=["portfolios"])


class PortfolioFilters(Schema):
    q: str | None = None


@router.get("/portfolios", response=list[PortfolioOut])
@paginate(PageNumberPagination)
def list_portfolios(request: HttpRequest, filters: Query[PortfolioFilters]) -> object:
    return services.filter_portfolios(services.visible_portfolios(request.user), filters.q)


@router.get("/portfolios/{portfolio_id}", response=PortfolioOut)
def get_portfolio(request: HttpRequest, portfolio_id: int) -> Portfolio:
    return services.get_portfolio(request.user, portfolio_id)


@router.post("/portfolios", response={201: PortfolioOut})
def create_portfolio(request: HttpRequest, payload: PortfolioIn) -> Portfolio:
    return services.create_portfolio(request.user, payload.dict())


@router.patch("/portfolios/{portfolio_id}", response=PortfolioOut)
def update_portfolio(request: HttpRequest, portfolio_id: int, payload: PortfolioPatch) -> Portfolio:
    changes = payload.dict(exclude_unset=True)
    version = expected_version(request, changes.pop("version", None))
    return services.update_portfolio(request.user, portfolio_id, version, changes)


@router.delete("/portfolios/{portfolio_id}", response={204: None})
def delete_portfolio(request: HttpRequest, portfolio_id: int) -> HttpResponse:
    services.delete_portfolio(request.user, portfolio_id)
    return HttpResponse(status=204)
