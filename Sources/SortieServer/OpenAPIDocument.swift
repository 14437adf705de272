import SortieKit
/// The OpenAPI 3 document served at `/api/openapi.json`, written by hand to match the handlers
/// (the tests read it back; `tests/reliability` runs schemathesis against a live server with it).
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.0.3",
      "info": {
        "title": "Sortie sessions API",
        "version": "1.0.0",
        "description": "Launch containerized GUI applications as Kubernetes pods and stream them over VNC. Every error answer is {\"error\": code, \"message\": sentence}."
      },
      "security": [{"bearerAuth": []}],
      "paths": {
        "/api/sessions": {
          "get": {
            "operationId": "listSessions",
            "summary": "List the caller's sessions (all sessions for admins and with --auth none).",
            "parameters": [
              {"name": "user_id", "in": "query", "required": false, "schema": {"type": "string"},
               "description": "Only sessions of this user."}
            ],
            "responses": {
              "200": {"description": "Sessions, oldest first.",
                      "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Session"}}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          },
          "post": {
            "operationId": "createSession",
            "summary": "Start a session of a container app.",
            "requestBody": {
              "required": true,
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CreateSessionRequest"}}}
            },
            "responses": {
              "201": {"description": "The session, status creating.",
                      "headers": {"Location": {"schema": {"type": "string"}}},
                      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Session"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "413": {"$ref": "#/components/responses/Error"},
              "415": {"$ref": "#/components/responses/Error"},
              "422": {"$ref": "#/components/responses/Error"},
              "429": {"$ref": "#/components/responses/TooManyRequests"},
              "502": {"$ref": "#/components/responses/Error"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/sessions/{id}": {
          "parameters": [
            {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}
          ],
          "get": {
            "operationId": "getSession",
            "summary": "One session (404 for sessions of other users).",
            "responses": {
              "200": {"description": "The session.",
                      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Session"}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          },
          "delete": {
            "operationId": "deleteSession",
            "summary": "End a session: its pod is deleted gracefully.",
            "responses": {
              "200": {"description": "The session, status terminating.",
                      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Session"}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "409": {"$ref": "#/components/responses/Error"},
              "502": {"$ref": "#/components/responses/Error"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/api/apps": {
          "get": {
            "operationId": "listApps",
            "summary": "The application catalog.",
            "responses": {
              "200": {"description": "Apps in catalog order.",
                      "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/App"}}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"}
            }
          }
        },
        "/ws/sessions/{id}": {
          "parameters": [
            {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
            {"name": "token", "in": "query", "required": false, "schema": {"type": "string"},
             "description": "The signed ticket from websocket_url (browsers cannot send headers)."}
          ],
          "get": {
            "operationId": "sessionWebSocket",
            "summary": "The session's VNC stream (websockify protocol): WebSocket upgrade only.",
            "security": [{"bearerAuth": []}, {}],
            "responses": {
              "101": {"description": "Switching protocols."},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "409": {"$ref": "#/components/responses/Error"},
              "426": {"$ref": "#/components/responses/Error"},
              "429": {"$ref": "#/components/responses/TooManyRequests"},
              "502": {"$ref": "#/components/responses/Error"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/healthz": {
          "get": {"operationId": "healthz", "security": [],
                  "responses": {"200": {"description": "The process answers.",
                                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}}}}
        },
        "/readyz": {
          "get": {"operationId": "readyz", "security": [],
                  "responses": {"200": {"description": "The session cache is current and the cluster answers.",
                                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}},
                                "503": {"$ref": "#/components/responses/Unavailable"}}}
        },
        "/metrics": {
          "get": {"operationId": "metrics", "security": [],
                  "responses": {"200": {"description": "Prometheus text format.",
                                        "content": {"text/plain": {"schema": {"type": "string"}}}}}}
        },
        "/api/openapi.json": {
          "get": {"operationId": "openapi", "security": [],
                  "responses": {"200": {"description": "This document.",
                                        "content": {"application/json": {"schema": {"type": "object"}}}}}}
        }
      },
      "components": {
        "securitySchemes": {
          "bearerAuth": {"type": "http", "scheme": "bearer",
                         "description": "A token of the static-token file (--auth token); with --auth header the proxy's X-Forwarded-User is used instead."}
        },
        "schemas": {
          "Session": {
            "type": "object",
            "required": ["id", "user_id", "app_id", "app_name", "pod_name", "status", "websocket_url", "created_at", "updated_at"],
            "properties": {
              "id": {"type": "string"},
              "user_id": {"type": "string"},
              "app_id": {"type": "string"},
              "app_name": {"type": "string"},
              "pod_name": {"type": "string"},
              "status": {"type": "string", "enum": ["creating", "running", "failed", "terminating", "stopped", "expired"]},
              "websocket_url": {"type": "string", "description": "/ws/sessions/{id}, with ?token= when authentication is on."},
              "created_at": {"type": "string", "format": "date-time"},
              "updated_at": {"type": "string", "format": "date-time"},
              "reason": {"type": "string"},
              "message": {"type": "string"}
            }
          },
          "CreateSessionRequest": {
            "type": "object",
            "required": ["app_id"],
            "properties": {
              "app_id": {"type": "string", "minLength": 1},
              "user_id": {"type": "string", "nullable": true, "description": "Only used with --auth none (null or empty: anonymous); otherwise the caller's identity is the owner."}
            }
          },
          "App": {
            "type": "object",
            "required": ["id", "name", "description", "url", "icon", "category", "visibility", "launch_type"],
            "properties": {
              "id": {"type": "string"},
              "name": {"type": "string"},
              "description": {"type": "string"},
              "url": {"type": "string"},
              "icon": {"type": "string"},
              "category": {"type": "string"},
              "visibility": {"type": "string", "enum": ["public", "approved", "private"]},
              "launch_type": {"type": "string", "enum": ["url", "container"]},
              "container_image": {"type": "string"},
              "resource_limits": {"type": "object"}
            }
          },
          "Status": {
            "type": "object", "required": ["status"], "properties": {"status": {"type": "string"}}
          },
          "Error": {
            "type": "object",
            "required": ["error", "message"],
            "properties": {"error": {"type": "string"}, "message": {"type": "string"}}
          }
        },
        "responses": {
          "Error": {"description": "An error.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "BadRequest": {"description": "The body is not a JSON object with a string app_id.",
                         "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Unauthorized": {"description": "No valid credentials.",
                           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "NotFound": {"description": "No such session, or not yours.",
                       "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "TooManyRequests": {"description": "A quota or rate limit; see Retry-After.",
                              "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Unavailable": {"description": "The Kubernetes API server is unreachable.",
                          "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
      }
    }
    """#
}
