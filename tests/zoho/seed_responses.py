# ruff: noqa: E501  (verbatim recorded bodies: kept on one line each)
"""The eight responses recorded from Zoho's live v2 mass-update API (May 2021), verbatim.

Copied from the project seed (a Postman collection): each entry is (name, HTTP status,
request method, request body as sent, response body). The request bodies are what the client
sent; the response bodies are byte-for-byte what Zoho answered.
"""

from typing import NamedTuple


class SeedResponse(NamedTuple):
    name: str
    status: int
    method: str
    request_body: str
    body: str


SUCCESS = SeedResponse(
    name="SUCCESS RESPONSE",
    status=200,
    method="POST",
    request_body='{\n "data": [\n {\n "No_of_Employees": 1000\n }\n ],\n "cvid": "738964000000091563"\n}',
    body='{\n "data": [\n {\n "code": "SUCCESS",\n "details": {\n "job_id": "738964000002152104"\n },\n "message": "mass update scheduled successfully",\n "status": "success"\n }\n ]\n}',
)
INVALID_DATA_CVID = SeedResponse(
    name="INVALID_DATA (cvid)",
    status=200,
    method="POST",
    request_body='{\n "data": [\n {\n "No_of_Employees": 1000\n }\n ],\n "cvid": "73896400000009156"\n}',
    body='{\n "data": [\n {\n "code": "INVALID_DATA",\n "details": {\n "api_name": "cvid"\n },\n "message": "the cvid given seems to be invalid",\n "status": "error"\n }\n ]\n}',
)
INVALID_DATA_FIELD = SeedResponse(
    name="INVALID_DATA (field)",
    status=200,
    method="POST",
    request_body='{\n "data": [\n {\n "No_of_Employees1": 1000\n }\n ],\n "cvid": "738964000000091563"\n}',
    body='{\n "data": [\n {\n "code": "INVALID_DATA",\n "details": {\n "api_name": "No_of_Employees1"\n },\n "message": "This field cannot be updated in the Mass Update",\n "status": "error"\n }\n ]\n}',
)
INVALID_DATA_NO_FIELD = SeedResponse(
    name="INVALID_DATA (no field)",
    status=200,
    method="POST",
    request_body='{\n "data": [\n {\n \n }\n ],\n "cvid": "738964000000091563"\n}',
    body='{\n "data": [\n {\n "code": "INVALID_DATA",\n "details": {},\n "message": "No field found",\n "status": "error"\n }\n ]\n}',
)
MANDATORY_NOT_FOUND = SeedResponse(
    name="MANDATORY_NOT_FOUND",
    status=200,
    method="POST",
    request_body='{\n "data": [\n {\n "No_of_Employees": 1000\n }\n ]\n}',
    body='{\n "data": [\n {\n "code": "MANDATORY_NOT_FOUND",\n "details": {},\n "message": "required field not found",\n "status": "error"\n }\n ]\n}',
)
ALREADY_SCHEDULED = SeedResponse(
    name="ALREADY_SCHEDULED",
    status=400,
    method="POST",
    request_body='{\n "data": [\n {\n "No_of_Employees": 1000\n }\n ],\n "cvid": "738964000000091563"\n}',
    body='{\n "code": "ALREADY_SCHEDULED",\n "details": {\n "api_name": "cvid"\n },\n "message": "Already an Mass Action scheduler is runing for the given cvid",\n "status": "error"\n}',
)
INVALID_REQUEST_METHOD = SeedResponse(
    name="INVALID_REQUEST_METHOD",
    status=400,
    method="COPY",
    request_body='{\n "data": [\n {\n "No_of_Employees": 1000\n }\n ],\n "cvid": "738964000000091563"\n}',
    body='{\n "code": "INVALID_REQUEST_METHOD",\n "details": {},\n "message": "The http request method type is not a valid one",\n "status": "error"\n}',
)
AUTHENTICATION_FAILURE = SeedResponse(
    name="AUTHENTICATION_FAILURE",
    status=401,
    method="POST",
    request_body='{\n "data": [\n {\n "No_of_Employees": 1000\n }\n ],\n "cvid": "738964000000091563"\n}',
    body='{\n "code": "AUTHENTICATION_FAILURE",\n "details": {},\n "message": "Authentication failed",\n "status": "error"\n}',
)

ALL = [
    SUCCESS,
    INVALID_DATA_CVID,
    INVALID_DATA_FIELD,
    INVALID_DATA_NO_FIELD,
    MANDATORY_NOT_FOUND,
    ALREADY_SCHEDULED,
    INVALID_REQUEST_METHOD,
    AUTHENTICATION_FAILURE,
]
