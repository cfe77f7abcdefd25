//! The OpenAPI 3.1 document of the service, built from the types the handlers
//! answer with (schemas by schemars). `spec/openapi.json` is this document; a test
//! fails when they drift apart.

use crate::api::{CheckRequest, ErrorBody, GuideRequest, Health, PacksResponse, RulesResponse};
use schemars::JsonSchema;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use serde_json::{Map, Value, json};

fn schema_of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Value {
    generator.subschema_for::<T>().to_value()
}

fn content(schema: Value) -> Value {
    json!({ "application/json": { "schema": schema } })
}

fn error_response(error: &Value, description: &str) -> Value {
    json!({ "description": description, "content": content(error.clone()) })
}

/// The OpenAPI document.
pub fn document() -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas".into())
        .into_generator();
    let request = schema_of::<CheckRequest>(&mut generator);
    let report = schema_of::<wastecheck::Report>(&mut generator);
    let error = schema_of::<ErrorBody>(&mut generator);
    let health = schema_of::<Health>(&mut generator);
    let packs = schema_of::<PacksResponse>(&mut generator);
    let rules = schema_of::<RulesResponse>(&mut generator);
    let guide_request = schema_of::<GuideRequest>(&mut generator);
    let next = schema_of::<wastecheck::check::Next>(&mut generator);
    let choices = schema_of::<wastecheck::check::Choices>(&mut generator);
    let schemas: Map<String, Value> = generator.take_definitions(true).into_iter().collect();

    let bad_body = |with_422: &str| {
        let mut responses = Map::new();
        responses.insert(
            "400".into(),
            error_response(
                &error,
                "The body is not JSON, or not a request (`request.json`).",
            ),
        );
        responses.insert(
            "413".into(),
            error_response(
                &error,
                "The body is over the size limit (`request.too_large`).",
            ),
        );
        responses.insert(
            "415".into(),
            error_response(
                &error,
                "The content type is not `application/json` (`request.content_type`).",
            ),
        );
        responses.insert(
            "408".into(),
            error_response(
                &error,
                "The body was not sent within the body timeout (`request.timeout`).",
            ),
        );
        responses.insert("422".into(), error_response(&error, with_422));
        responses.insert(
            "503".into(),
            json!({
                "description": "Too many bytes of requests are in flight, or too many connections are open (`busy`): try again after `Retry-After` seconds.",
                "headers": { "Retry-After": {
                    "description": "Seconds to wait before trying again.",
                    "schema": { "type": "integer" }
                } },
                "content": content(error.clone()),
            }),
        );
        responses
    };

    let mut check_responses = bad_body(
        "A request option is wrong: `request.locale`, `request.as_of`, `request.kind`; or the check ran past its deadline (`check.deadline`); or, with `--sandbox`, the check needed more time, work or memory than the sandbox allows: `sandbox.time`, `sandbox.fuel`, `sandbox.memory`.",
    );
    check_responses.insert(
        "500".into(),
        error_response(
            &error,
            "The service failed (`internal`), or with `--sandbox` the module trapped (`sandbox.trap`); the next request is served.",
        ),
    );
    check_responses.insert(
        "200".into(),
        json!({
            "description": "The report: every violation, and the packs (with their digests) checked against. A document's own problems are violations, never errors.",
            "content": content(report.clone()),
        }),
    );
    let guide_responses = |answer: &Value, description: &str| {
        let mut responses = bad_body(
            "A request option is wrong: `request.locale`, `request.as_of`, `request.kind`, `request.pointer`; or the answer ran past the check deadline (`check.deadline`).",
        );
        responses.insert(
            "500".into(),
            error_response(&error, "The service failed (`internal`)."),
        );
        responses.insert(
            "200".into(),
            json!({ "description": description, "content": content(answer.clone()) }),
        );
        Value::Object(responses)
    };
    let mut batch_responses = bad_body(
        "The batch holds more requests than the limit (`request.batch_too_long`), or ran past the check deadline (`check.deadline`).",
    );
    batch_responses.insert(
        "200".into(),
        json!({
            "description": "One answer per request, in order: its report, or the error object for a request that could not be served (with `--sandbox`, also one the sandbox stopped).",
            "content": content(json!({
                "type": "array",
                "items": { "anyOf": [report, error.clone()] }
            })),
        }),
    );

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "wastecheck",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Checks hazardous-waste and industrial solid-waste documents against China's rules (wastecheck serve). Listens on loopback by default. Reports are those of the JSON facade, byte for byte. Every route may also answer, in JSON: 405 (`method_not_allowed`), 414 (`request.uri_too_long`), 431 (`request.headers_too_large`; a head more than 4× the limit is refused by the HTTP layer with no body), and a connection over the cap gets 503 (`busy`) and is closed; a client that sends no head within the head timeout, or stays idle that long, is disconnected."
        },
        "paths": {
            "/v1/check": { "post": {
                "operationId": "check",
                "summary": "Check one document.",
                "requestBody": { "required": true, "content": content(request.clone()) },
                "responses": check_responses,
            }},
            "/v1/check/batch": { "post": {
                "operationId": "checkBatch",
                "summary": "Check many documents: an array of check requests.",
                "requestBody": { "required": true, "content": content(json!({
                    "type": "array", "items": request
                })) },
                "responses": batch_responses,
            }},
            "/v1/next": { "post": {
                "operationId": "next",
                "summary": "What a document still needs: the fields its next lifecycle stage requires, in form order, and the rules that cannot decide yet with the field or facts each waits for. Runs natively, also with `--sandbox`.",
                "requestBody": { "required": true, "content": content(guide_request.clone()) },
                "responses": guide_responses(&next, "The fields still required and the rules waiting."),
            }},
            "/v1/choices": { "post": {
                "operationId": "choices",
                "summary": "The lawful values for one field (`pointer`): waste codes, licensed receivers, a line's methods, the carrier's vehicles, a closed field's values — each checked by the rules that judge it. Runs natively, also with `--sandbox`.",
                "requestBody": { "required": true, "content": content(guide_request) },
                "responses": guide_responses(&choices, "The choices, best first (each with its label in both languages and the JSON Patch that applies it), or why there are none."),
            }},
            "/v1/schema/{kind}": { "get": {
                "operationId": "schema",
                "summary": "The JSON Schema of a document kind, of the facts, of the report, of pack.toml or rule.toml.",
                "parameters": [{
                    "name": "kind", "in": "path", "required": true,
                    "schema": { "type": "string", "enum": wastecheck::schema::all_schemas()
                        .into_iter()
                        .map(|(name, _)| name.trim_end_matches(".json").to_owned())
                        .collect::<Vec<_>>() }
                }],
                "responses": {
                    "200": { "description": "The JSON Schema (draft 2020-12).", "content": content(json!({ "type": "object" })) },
                    "404": error_response(&error, "No such schema (`not_found`)."),
                }
            }},
            "/v1/rules": { "get": {
                "operationId": "rules",
                "summary": "The rules of every chain served; with `region`, of the chain in force there (the same rules, in the same shape, as the npm package's `checker.rules({ region, asOf })`).",
                "parameters": [{
                    "name": "region", "in": "query", "required": false,
                    "description": "A GB/T 2260 region code: only the chain selected for a document from it (`000000`: national).",
                    "schema": { "type": "string", "pattern": "^[0-9]{6}$" }
                }, {
                    "name": "as_of", "in": "query", "required": false,
                    "description": "With `region`: the legal date, `YYYY-MM-DD` (default: the newest packs).",
                    "schema": { "type": "string", "format": "date" }
                }],
                "responses": {
                    "200": { "description": "The rules.", "content": content(rules) },
                    "422": error_response(&error, "A query parameter is wrong: `request.region`, `request.as_of`, or another parameter than `region` and `as_of` (`request.query`)."),
                }
            }},
            "/v1/packs": { "get": {
                "operationId": "packs",
                "summary": "The packs served: ids, versions, digests, windows, the chain serving each region, and the bundles used and refused.",
                "responses": { "200": { "description": "The packs.", "content": content(packs) } }
            }},
            "/healthz": { "get": {
                "operationId": "health",
                "summary": "Liveness, and whether every bundle of the packs folder is served: `degraded` (still 200) lists the refused ones.",
                "responses": { "200": { "description": "The service answers.", "content": content(health) } }
            }},
            "/metrics": { "get": {
                "operationId": "metrics",
                "summary": "Counters in the Prometheus text format: requests by route and status (`wastecheck_requests_total`), their latency (`wastecheck_request_duration_seconds`), refusals by reason (`wastecheck_refusals_total`: busy, connections, body_too_large, headers_too_large, uri_too_long, body_timeout, deadline), pack reloads, the pack generation, refused bundles, checks abandoned by their clients, checks running (`wastecheck_checks_running`: their work, which ends soon after their clients go), connections and request bytes in flight.",
                "responses": { "200": {
                    "description": "The metrics.",
                    "content": { "text/plain; version=0.0.4": { "schema": { "type": "string" } } }
                } }
            }},
        },
        "components": { "schemas": schemas },
    })
}

/// The document as `spec/openapi.json` holds it.
pub fn text() -> String {
    let mut text = serde_json::to_string_pretty(&document()).unwrap_or_default();
    text.push('\n');
    text
}
