//! What a GraphQL request may cost before it runs: every selected field counts one, and the
//! fields under a list count once per item it can return (`first`/`last`, or the default page
//! size of a connection asked without them). A batch is held to the same budget as one
//! request, and to a number of operations, so neither aliases nor batching buy more work.
//!
//! The count runs on the parsed document (which it hands on to execution, so nothing is
//! parsed twice) with the request's variables, before validation. Parsed documents are kept by
//! query text in a small cache bounded in bytes ([`Documents`]), so a query a site sends again
//! and again is parsed once.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Selection, SelectionSet,
};
use async_graphql::{Name, Request, ServerError, ServerResult, Value, Variables};

use crate::graphql::pagination::{DEFAULT_PAGE, MAX_PAGE};

/// The budget a batch shares (one per HTTP request; a single request is a batch of one).
#[derive(Debug)]
pub struct Budget {
    limit: usize,
    spent: AtomicUsize,
}

impl Budget {
    /// A budget of `limit`.
    pub fn new(limit: usize) -> Arc<Self> {
        Arc::new(Self {
            limit,
            spent: AtomicUsize::new(0),
        })
    }
}

/// Parsed documents by query text, bounded by the bytes of the texts they were parsed from
/// (a document takes a small multiple of its text); only texts up to [`MAX_CACHED_QUERY`] are
/// kept. When full, it starts over: the queries a site really sends come back at once.
#[derive(Debug, Default)]
pub struct Documents {
    entries: std::sync::Mutex<(HashMap<String, ExecutableDocument>, usize)>,
}

/// Longest query text whose parsed document is kept.
pub const MAX_CACHED_QUERY: usize = 16 * 1024;
/// Most bytes of query text behind the kept documents.
const DOCUMENTS_BUDGET: usize = 4 * 1024 * 1024;

impl Documents {
    fn get(&self, query: &str) -> Option<ExecutableDocument> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.0.get(query).cloned()
    }

    fn put(&self, query: &str, doc: &ExecutableDocument) {
        if query.len() > MAX_CACHED_QUERY {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.1 + query.len() > DOCUMENTS_BUDGET {
            entries.0.clear();
            entries.1 = 0;
        }
        if entries.0.insert(query.to_string(), doc.clone()).is_none() {
            entries.1 += query.len();
        }
    }

    /// Bytes of query text behind the kept documents.
    pub fn weight(&self) -> usize {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).1
    }
}

/// Refuses `request` when it costs more than its batch's [`Budget`] has left (or than `limit`
/// when it came without one, as over WebSocket). Parses the document once (kept in
/// `documents` by its text) and leaves it on the request for execution.
pub fn check(documents: &Documents, limit: usize, request: &mut Request) -> ServerResult<()> {
    if !request.query.is_empty() {
        match documents.get(&request.query) {
            Some(doc) => request.set_parsed_query(doc),
            None => {
                let doc = request.parsed_query()?.clone();
                documents.put(&request.query, &doc);
            }
        }
    }
    let variables = std::mem::take(&mut request.variables);
    let operation = request.operation_name.take();
    let cost = cost_of(request.parsed_query()?, operation.as_deref(), &variables);
    request.variables = variables;
    request.operation_name = operation;
    // The request's own data: the budget its batch shares.
    let budget = request
        .data
        .get(&std::any::TypeId::of::<Arc<Budget>>())
        .and_then(|d| d.downcast_ref::<Arc<Budget>>())
        .cloned();
    let (spent, limit) = match budget {
        Some(budget) => (
            budget
                .spent
                .fetch_add(cost, Ordering::AcqRel)
                .saturating_add(cost),
            budget.limit,
        ),
        None => (cost, limit),
    };
    if spent > limit {
        let mut error = ServerError::new(
            format!(
                "the request is too complex: it costs {spent} (each field counts one, once per item of \
                 the lists above it; a batch counts its operations together), at most {limit}"
            ),
            None,
        );
        let mut ext = async_graphql::ErrorExtensionValues::default();
        ext.set("code", "VALIDATION");
        ext.set("cost", spent as u64);
        ext.set("maxCost", limit as u64);
        error.extensions = Some(ext);
        return Err(error);
    }
    Ok(())
}

/// Deepest nesting of `{`, `[` and `(` a document may have. The parser recurses once per
/// level, so a document nesting thousands of levels (in argument values, which no other limit
/// sees before parsing) would overflow the stack and abort the process; real documents stay
/// far below (selections are limited to `graphql.max_depth` anyway).
pub const MAX_TEXT_NESTING: usize = 64;

/// Refuses a document that nests deeper than [`MAX_TEXT_NESTING`], by a scan of its text (strings,
/// block strings and comments skipped) that runs before anything parses it.
pub fn check_nesting(query: &str) -> Result<(), String> {
    let bytes = query.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    // An escaped triple quote does not end a block string.
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
                if deepest > MAX_TEXT_NESTING {
                    return Err(format!(
                        "the document nests more than {MAX_TEXT_NESTING} levels of braces, \
                         brackets or parentheses"
                    ));
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// The cost of running `operation` of `doc` (every operation's, the dearest, when unnamed).
pub fn cost_of(doc: &ExecutableDocument, operation: Option<&str>, variables: &Variables) -> usize {
    let mut counter = Counter {
        doc,
        variables,
        fragments: HashMap::new(),
    };
    match (&doc.operations, operation) {
        (DocumentOperations::Single(op), _) => {
            counter.selection_set(&op.node.selection_set.node, 0)
        }
        (DocumentOperations::Multiple(ops), Some(name)) => ops
            .get(&Name::new(name))
            .map(|op| counter.selection_set(&op.node.selection_set.node, 0))
            .unwrap_or(0),
        (DocumentOperations::Multiple(ops), None) => ops
            .values()
            .map(|op| counter.selection_set(&op.node.selection_set.node, 0))
            .max()
            .unwrap_or(0),
    }
}

/// Deeper than this the document is refused by the depth limit anyway.
const MAX_NESTING: usize = 128;

struct Counter<'a> {
    doc: &'a ExecutableDocument,
    variables: &'a Variables,
    /// Fragment costs, computed once each (`None` while being computed: a cycle, which
    /// validation refuses, counts nothing here).
    fragments: HashMap<&'a str, Option<usize>>,
}

impl<'a> Counter<'a> {
    fn selection_set(&mut self, set: &'a SelectionSet, depth: usize) -> usize {
        if depth > MAX_NESTING {
            return 0;
        }
        let mut total = 0usize;
        for item in &set.items {
            let cost = match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let children = &field.selection_set.node;
                    if children.items.is_empty() {
                        1
                    } else {
                        let items = self.items(field, children);
                        1usize.saturating_add(
                            items.saturating_mul(self.selection_set(children, depth + 1)),
                        )
                    }
                }
                Selection::InlineFragment(fragment) => {
                    self.selection_set(&fragment.node.selection_set.node, depth + 1)
                }
                Selection::FragmentSpread(spread) => {
                    self.fragment(spread.node.fragment_name.node.as_str(), depth)
                }
            };
            total = total.saturating_add(cost);
        }
        total
    }

    fn fragment(&mut self, name: &'a str, depth: usize) -> usize {
        if let Some(known) = self.fragments.get(name) {
            return known.unwrap_or(0);
        }
        let Some((key, definition)) = self.doc.fragments.get_key_value(name) else {
            return 0;
        };
        self.fragments.insert(key.as_str(), None);
        let cost = self.selection_set(&definition.node.selection_set.node, depth + 1);
        self.fragments.insert(key.as_str(), Some(cost));
        cost
    }

    /// How many items a field with sub-selections can return.
    fn items(&self, field: &async_graphql::parser::types::Field, children: &SelectionSet) -> usize {
        let page = field
            .arguments
            .iter()
            .filter(|(name, _)| matches!(name.node.as_str(), "first" | "last"))
            .filter_map(|(_, value)| self.number(&value.node))
            .max();
        if let Some(n) = page {
            return n.clamp(1, MAX_PAGE as usize);
        }
        let connection = children.items.iter().any(|item| {
            matches!(&item.node, Selection::Field(f)
                if matches!(f.node.name.node.as_str(), "nodes" | "edges"))
        });
        if connection { DEFAULT_PAGE as usize } else { 1 }
    }

    fn number(&self, value: &async_graphql_value::Value) -> Option<usize> {
        let n = match value {
            async_graphql_value::Value::Variable(name) => match self.variables.get(name)? {
                Value::Number(n) => n.as_u64()?,
                _ => return None,
            },
            async_graphql_value::Value::Number(n) => n.as_u64()?,
            _ => return None,
        };
        Some(usize::try_from(n).unwrap_or(usize::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cost(query: &str, variables: serde_json::Value) -> usize {
        let doc = async_graphql::parser::parse_query(query).unwrap();
        cost_of(&doc, None, &Variables::from_json(variables))
    }

    #[test]
    fn lists_multiply_what_they_select() {
        assert_eq!(cost("{ version }", serde_json::json!({})), 1);
        // 1 for videos, 100 × (nodes: 1 + 1 × (id + title)).
        assert_eq!(
            cost(
                "{ videos(first: 100) { nodes { id title } } }",
                serde_json::json!({})
            ),
            1 + 100 * 3
        );
        assert_eq!(
            cost(
                "query($n: Int) { videos(first: $n) { nodes { id } } }",
                serde_json::json!({ "n": 10 })
            ),
            1 + 10 * 2
        );
        // A connection without `first` returns a default page.
        assert_eq!(
            cost("{ videos { nodes { id } } }", serde_json::json!({})),
            1 + DEFAULT_PAGE as usize * 2
        );
        // `first` past the page limit counts as the limit.
        assert_eq!(
            cost(
                "{ videos(first: 100000) { nodes { id } } }",
                serde_json::json!({})
            ),
            1 + 100 * 2
        );
    }

    #[test]
    fn aliases_and_fragments_count_every_time_they_are_used() {
        let aliases: String = (0..300)
            .map(|i| format!("a{i}: videos(first: 100) {{ nodes {{ id }} }} "))
            .collect();
        assert!(cost(&format!("{{ {aliases} }}"), serde_json::json!({})) > 50_000);
        let q =
            "{ a: videos(first: 10) { nodes { ...F } } b: videos(first: 10) { nodes { ...F } } }
                 fragment F on Video { id title }";
        assert_eq!(cost(q, serde_json::json!({})), 2 * (1 + 10 * 3));
    }

    #[test]
    fn fragments_that_nest_or_cycle_are_counted_in_linear_time() {
        // Each fragment spreads the next one twice: 2^40 fields if expanded naively.
        let mut q = String::from("{ ...F0 }");
        for i in 0..40 {
            q.push_str(&format!(
                " fragment F{i} on QueryRoot {{ ...F{} ...F{} }}",
                i + 1,
                i + 1
            ));
        }
        q.push_str(" fragment F40 on QueryRoot { version }");
        assert_eq!(cost(&q, serde_json::json!({})), 1 << 40);
        let cyclic =
            "{ ...A } fragment A on QueryRoot { ...B } fragment B on QueryRoot { ...A version }";
        assert_eq!(cost(cyclic, serde_json::json!({})), 1);
    }

    #[test]
    fn parsed_documents_are_kept_within_their_byte_budget() {
        let documents = Documents::default();
        let doc = async_graphql::parser::parse_query("{ version }").unwrap();
        documents.put("{ version }", &doc);
        assert!(documents.get("{ version }").is_some());
        let long = format!("{{ version }} # {}", "x".repeat(MAX_CACHED_QUERY));
        documents.put(&long, &doc);
        assert!(documents.get(&long).is_none(), "a long query was kept");
        for i in 0..2000 {
            let text = format!("{{ version }} # {i} {}", "y".repeat(4000));
            documents.put(&text, &doc);
            assert!(documents.weight() <= DOCUMENTS_BUDGET);
        }
    }

    #[test]
    fn a_query_sent_again_runs_its_kept_document_and_is_not_parsed_again() {
        use async_graphql::parser::types::{DocumentOperations, Selection};
        let documents = Documents::default();
        // Kept under another text: only a request that is not parsed again runs it.
        let kept = async_graphql::parser::parse_query("{ version }").unwrap();
        documents.put("{ videos { nodes { id } } }", &kept);
        let mut request = Request::new("{ videos { nodes { id } } }");
        check(&documents, 1000, &mut request).unwrap();
        let DocumentOperations::Single(op) = &request.parsed_query().unwrap().operations else {
            panic!("one operation");
        };
        let names: Vec<&str> = op
            .node
            .selection_set
            .node
            .items
            .iter()
            .filter_map(|item| match &item.node {
                Selection::Field(f) => Some(f.node.name.node.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(names, ["version"], "the query was parsed again");
    }

    #[test]
    fn nesting_is_measured_outside_strings_and_comments() {
        assert!(check_nesting("{ a { b { c } } }").is_ok());
        let deep = format!("{{ v(f: {}1{}) }}", "[".repeat(100), "]".repeat(100));
        assert!(check_nesting(&deep).is_err());
        let quoted = format!("{{ v(f: \"{}\") }} # {}", "[".repeat(100), "{".repeat(100));
        assert!(check_nesting(&quoted).is_ok());
        let block = format!("{{ v(f: \"\"\"{}\\\"\"\"\"\"\") }}", "(".repeat(100));
        assert!(check_nesting(&block).is_ok());
        let escaped = format!("{{ v(f: \"\\\"{}\") }}", "[".repeat(100));
        assert!(check_nesting(&escaped).is_ok());
    }
}
