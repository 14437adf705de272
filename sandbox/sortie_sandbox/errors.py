"""metav1.Status error bodies, shaped exactly like a real kube-apiserver's."""

REASONS = {
    400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
    405: "MethodNotAllowed", 406: "NotAcceptable", 409: "Conflict", 410: "Expired",
    415: "UnsupportedMediaType", 422: "Invalid", 429: "TooManyRequests",
    500: "InternalError", 503: "ServiceUnavailable", 504: "Timeout",
}


def status_body(code: int, message: str, reason: str | None = None, details: dict | None = None) -> dict:
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason if reason is not None else REASONS.get(code, ""),
            }
    if details is not None:
        body["details"] = details
    body["code"] = code
    return body


def success_status(details: dict | None = None) -> dict:
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}
    if details is not None:
        body["details"] = details
    return body


class ApiError(Exception):
    def __init__(self, code: int, message: str, reason: str | None = None,
                 details: dict | None = None, headers: dict | None = None):
        super().__init__(message)
        self.code = code
        self.body = status_body(code, message, reason, details)
        self.headers = headers or {}


def _details(name, kind, group=None):
    d = {"name": name}
    if group:
        d["group"] = group
    d["kind"] = kind
    return d


def qualified(resource: str, group: str | None) -> str:
    return f"{resource}.{group}" if group else resource


def not_found(resource: str, name: str, group: str | None = None) -> ApiError:
    return ApiError(404, f'{qualified(resource, group)} "{name}" not found', "NotFound",
                    _details(name, resource, group))


def already_exists(resource: str, name: str, group: str | None = None) -> ApiError:
    return ApiError(409, f'{qualified(resource, group)} "{name}" already exists', "AlreadyExists",
                    _details(name, resource, group))


def conflict(resource: str, name: str, group: str | None = None) -> ApiError:
    return ApiError(409, f'Operation cannot be fulfilled on {qualified(resource, group)} "{name}": '
                    "the object has been modified; please apply your changes to the latest version and try again",
                    "Conflict", _details(name, resource, group))


def forbidden(resource: str, name: str, why: str, group: str | None = None) -> ApiError:
    return ApiError(403, f'{qualified(resource, group)} "{name}" is forbidden: {why}', "Forbidden",
                    _details(name, resource, group))


def invalid(kind: str, name: str, causes: list[tuple[str, str, str]], group: str | None = None) -> ApiError:
    """causes: (reason, field, message) with message like 'Invalid value: "x": ...' or 'Required value'."""
    parts = [f"{field}: {msg}" for _, field, msg in causes]
    joined = parts[0] if len(parts) == 1 else "[" + ", ".join(parts) + "]"
    d = {"name": name}
    if group:
        d["group"] = group
    d["kind"] = kind
    d["causes"] = [{"reason": r, "message": m, "field": f} for r, f, m in causes]
    return ApiError(422, f'{kind} "{name}" is invalid: {joined}', "Invalid", d)


def bad_request(message: str) -> ApiError:
    return ApiError(400, message, "BadRequest")


def gone(message: str) -> ApiError:
    return ApiError(410, message, "Expired")


def method_not_allowed(message: str = "the server does not allow this method on the requested resource") -> ApiError:
    return ApiError(405, message, "MethodNotAllowed", {})


def unauthorized() -> ApiError:
    return ApiError(401, "Unauthorized", "Unauthorized")


def page_not_found() -> ApiError:
    return ApiError(404, "the server could not find the requested resource", "NotFound", {})
