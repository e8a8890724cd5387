from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from tcvn_portal.tenancy.middleware import SESSION_KEY

from .dashboard import cards_for


def home(request):
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    return redirect("account_login")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


class DashboardView(TemplateView):
    template_name = "core/dashboard.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cards"] = cards_for(self.request) if self.request.tenant else []
        return ctx


@login_required
@require_POST
def switch_tenant(request):
    """Make another of the user's memberships the current one; an id not among them is a 404."""
    try:
        tenant_id = int(request.POST.get("tenant", ""))
    except ValueError:
        raise Http404 from None
    if not any(m.tenant_id == tenant_id for m in request.memberships):
        raise Http404
    request.session[SESSION_KEY] = tenant_id
    target = request.POST.get("next") or reverse("core:dashboard")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("core:dashboard")
    return HttpResponseRedirect(target)
