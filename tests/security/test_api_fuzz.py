"""schemathesis over the whole OpenAPI schema, as a logged-in member of every role.

Every operation of the schema gets generated requests, valid and invalid (wrong types, missing fields,
out-of-range values), with a real id of the seeded province in about half of the path ids. No answer
may be a server error, and every answer must match what the schema says: status code, content type and
body. `make test` runs a few examples per operation (TCVN_FUZZ_EXAMPLES, default 3); `make fuzz` many.

Requests go through Django's test client (in the test's transaction, under RLS as the app role); each
is prepared by `requests` from schemathesis' case, so bodies are serialised as a real client would.
"""

from __future__ import annotations

import os
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import requests
import schemathesis
from django.urls import resolve
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from requests.structures import CaseInsensitiveDict
from schemathesis import DataGenerationMethod, GenerationConfig
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.exceptions import CheckFailed

from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.roles import Role

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("TCVN_FUZZ_EXAMPLES", "3"))
CHECKS = (not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance)


def load_schema(client) -> schemathesis.BaseSchema:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200, response.status_code
    return schemathesis.from_dict(
        response.json(),
        base_url="http://testserver",
        data_generation_methods=[DataGenerationMethod.positive, DataGenerationMethod.negative],
        # The session is the credential here; a generated token header would replace it with garbage.
        generation_config=GenerationConfig(with_security_parameters=False),
    )


def real_ids(tenant, path_template: str) -> list[int]:
    """Ids of rows the operation's viewset would find, so that detail and action routes get past 404."""
    # The collection route of the same viewset: "/api/v1/x/things/{id}/act/" -> "/api/v1/x/things/".
    match = resolve(path_template.split("{", 1)[0])
    view_class = getattr(match.func, "cls", None)
    serializer = getattr(view_class, "serializer_class", None)
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    if model is None:
        return []
    with tenant_context(tenant):
        return list(model._default_manager.order_by("pk").values_list("pk", flat=True)[:20])


def send(client, case) -> requests.Response:
    """Sends schemathesis' case through the Django test client; answers as a `requests` response."""
    prepared = requests.Request(**case.as_requests_kwargs(base_url="http://testserver")).prepare()
    url = urlsplit(prepared.url)
    headers = {k: v for k, v in prepared.headers.items() if k.lower() not in ("content-length", "cookie")}
    extra = {
        "HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items() if k.lower() != "content-type"
    }
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode()
    django_response = client.generic(
        prepared.method,
        url.path,
        data=body,
        content_type=headers.get("Content-Type", "application/octet-stream"),
        QUERY_STRING=url.query,
        **extra,
    )
    response = requests.Response()
    response.status_code = django_response.status_code
    response._content = django_response.content
    response.headers = CaseInsensitiveDict(dict(django_response.items()))
    response.encoding = "utf-8"
    response.url = prepared.url
    response.request = prepared
    response.elapsed = timedelta(0)
    return response


@pytest.mark.parametrize("role", Role.values)
def test_no_api_operation_answers_a_server_error_or_breaks_the_schema(
    role, role_users, seeded_tenant, client_for
):
    client = client_for(role_users[role])
    schema = load_schema(client)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50, "the schema lost its operations: the fuzzer would prove nothing"
    for operation in operations:
        ids = real_ids(seeded_tenant, operation.path) or [1]

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=EXAMPLES <= 10,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), real=st.booleans(), pick=st.sampled_from(ids))
        def probe(case, real, pick):
            if real and case.path_parameters and "id" in case.path_parameters:
                case.path_parameters["id"] = pick
            response = send(client, case)
            try:
                case.validate_response(response, checks=CHECKS)
            except CheckFailed as failure:
                failures.append(
                    f"{case.method} {case.formatted_path} -> {response.status_code}: "
                    f"{' '.join(str(failure).split())[:700]} body={response.text[:300]!r} "
                    f"sent={case.body!r:.300}"
                )
                raise

        try:
            probe()
        except (CheckFailed, AssertionError):
            pass
    assert not failures, f"{len(failures)} failing operation(s) as {role}:\n" + "\n".join(failures[:40])
