//! Canonical XML 1.0 and Exclusive XML Canonicalization 1.0 of a document subset: the whole
//! document, or one element's subtree, less at most one excluded subtree (the signature an
//! enveloped-signature transform removes).
//!
//! The tree is walked with an explicit stack (no recursion), in document order. For each
//! element the namespace declarations to write are decided against what its nearest output
//! ancestor has (Canonical XML 1.0 section 2.3 for the inclusive method; Exclusive XML
//! Canonicalization section 3 for the exclusive one), then sorted by prefix (the default
//! namespace first), and attributes are sorted by namespace URI, then local name.

use roxmltree::{Node, NodeId, NodeType};

use super::{Canonicalization, XML_NAMESPACE};

/// A document subset: the apex (the document root, or an element), everything under it but
/// the subtree of `exclude`, and comments only if `comments` (a same-document reference by
/// `Id` leaves them out, XML Signature section 4.4.3.3).
pub(crate) struct Subset<'a, 'i> {
    pub apex: Node<'a, 'i>,
    pub exclude: Option<NodeId>,
    pub comments: bool,
}

/// A namespace binding: prefix (empty for the default namespace) and URI (empty for no
/// default namespace).
type Binding<'a> = (&'a str, &'a str);

/// Appends the canonical form of `subset` under `method` to `out`.
pub(crate) fn write<'a>(subset: &Subset<'a, '_>, method: &'a Canonicalization, out: &mut Vec<u8>) {
    let comments = subset.comments && method.with_comments();
    let apex = subset.apex;
    if apex.node_type() == NodeType::Root {
        // Section 2.1: around the document element, a comment or processing instruction
        // is followed by a line feed before it and preceded by one after it.
        let mut after_element = false;
        for child in apex.children() {
            if Some(child.id()) == subset.exclude {
                continue;
            }
            match child.node_type() {
                NodeType::Element => {
                    tree(child, subset, method, comments, out);
                    after_element = true;
                }
                NodeType::Comment | NodeType::PI => {
                    if child.is_comment() && !comments {
                        continue;
                    }
                    if after_element {
                        out.push(b'\n');
                    }
                    leaf(child, comments, out);
                    if !after_element {
                        out.push(b'\n');
                    }
                }
                NodeType::Root | NodeType::Text => {}
            }
        }
    } else {
        tree(apex, subset, method, comments, out);
    }
}

enum Step<'a, 'i> {
    Open(Node<'a, 'i>),
    Close(Node<'a, 'i>),
}

/// The subtree of `top`, an element.
fn tree<'a, 'i: 'a>(
    top: Node<'a, 'i>,
    subset: &Subset<'a, 'i>,
    method: &'a Canonicalization,
    comments: bool,
    out: &mut Vec<u8>,
) {
    // What each open element's nearest output ancestor context is: for the inclusive method
    // the namespaces in scope of the open element, for the exclusive one those written so
    // far on the path.
    let mut contexts: Vec<Vec<Binding<'a>>> = Vec::new();
    let mut steps = vec![Step::Open(top)];
    while let Some(step) = steps.pop() {
        match step {
            Step::Open(node) => {
                if Some(node.id()) == subset.exclude {
                    continue;
                }
                if !node.is_element() {
                    leaf(node, comments, out);
                    continue;
                }
                let parent = contexts.last();
                let context = start_tag(node, node == subset.apex, parent, method, out);
                contexts.push(context);
                steps.push(Step::Close(node));
                let children: Vec<Node<'a, 'i>> = node.children().collect();
                steps.extend(children.into_iter().rev().map(Step::Open));
            }
            Step::Close(node) => {
                out.extend_from_slice(b"</");
                out.extend_from_slice(qname(node).as_bytes());
                out.push(b'>');
                contexts.pop();
            }
        }
    }
}

/// A text node, comment or processing instruction.
fn leaf(node: Node<'_, '_>, comments: bool, out: &mut Vec<u8>) {
    match node.node_type() {
        NodeType::Text => text(node.text().unwrap_or_default(), out),
        NodeType::Comment if comments => {
            out.extend_from_slice(b"<!--");
            out.extend_from_slice(node.text().unwrap_or_default().as_bytes());
            out.extend_from_slice(b"-->");
        }
        NodeType::PI => {
            if let Some(pi) = node.pi() {
                out.extend_from_slice(b"<?");
                out.extend_from_slice(pi.target.as_bytes());
                if let Some(value) = pi.value.filter(|v| !v.is_empty()) {
                    out.push(b' ');
                    out.extend_from_slice(value.as_bytes());
                }
                out.extend_from_slice(b"?>");
            }
        }
        NodeType::Comment | NodeType::Element | NodeType::Root => {}
    }
}

/// The element's qualified name as written: roxmltree keeps the namespace, not the prefix.
fn qname<'i>(node: Node<'_, 'i>) -> &'i str {
    let text = node.document().input_text();
    let start = node.range().start + 1;
    let rest = text.get(start..).unwrap_or_default();
    let end = rest
        .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
        .unwrap_or(rest.len());
    rest.get(..end).unwrap_or_default()
}

/// The prefix of a qualified name, empty if none.
fn prefix_of(qname: &str) -> &str {
    qname.split_once(':').map_or("", |(p, _)| p)
}

/// The namespaces in scope of `node`, as bindings: the `xml` prefix is never written, and
/// an empty default namespace (`xmlns=""`) is no binding at all.
fn in_scope<'a>(node: Node<'a, '_>) -> Vec<Binding<'a>> {
    node.namespaces()
        .map(|ns| (ns.name().unwrap_or(""), ns.uri()))
        .filter(|(p, u)| *p != "xml" && !(p.is_empty() && u.is_empty()))
        .collect()
}

fn lookup<'a>(bindings: &[Binding<'a>], prefix: &str) -> Option<&'a str> {
    bindings.iter().find(|(p, _)| *p == prefix).map(|(_, u)| *u)
}

/// Writes the start tag of `node` and returns the context its children compare against.
fn start_tag<'a>(
    node: Node<'a, '_>,
    is_apex: bool,
    parent: Option<&Vec<Binding<'a>>>,
    method: &'a Canonicalization,
    out: &mut Vec<u8>,
) -> Vec<Binding<'a>> {
    let name = qname(node);
    let source = node.document().input_text();
    let scope = in_scope(node);
    let mut written: Vec<Binding<'a>> = Vec::new();
    let context = match method {
        // The bindings of an element that declares none are its parent's, in the same
        // order: nothing to write, and no comparison one by one.
        Canonicalization::Inclusive { .. } if parent.is_some_and(|ctx| *ctx == scope) => scope,
        Canonicalization::Inclusive { .. } => {
            for &(p, u) in &scope {
                if parent.is_none_or(|ctx| lookup(ctx, p) != Some(u)) {
                    written.push((p, u));
                }
            }
            // Section 2.3: xmlns="" only where the output parent has a default namespace.
            if lookup(&scope, "").is_none() && parent.and_then(|ctx| lookup(ctx, "")).is_some() {
                written.push(("", ""));
            }
            scope
        }
        Canonicalization::Exclusive {
            inclusive_prefixes, ..
        } => {
            let mut used: Vec<&str> = vec![prefix_of(name)];
            for a in node.attributes() {
                let p = prefix_of(attribute_qname(source, &a));
                if !p.is_empty() && p != "xml" {
                    used.push(p);
                }
            }
            for p in inclusive_prefixes {
                let p = if p == "#default" { "" } else { p.as_str() };
                // Listed prefixes are written as the inclusive method would: where in scope.
                if lookup(&scope, p).is_some() || p.is_empty() {
                    used.push(p);
                }
            }
            used.sort_unstable();
            used.dedup();
            let mut context = parent.cloned().unwrap_or_default();
            for p in used {
                if p == "xml" {
                    continue;
                }
                let uri = lookup(&scope, p).unwrap_or("");
                let before = lookup(&context, p);
                let write = if uri.is_empty() {
                    // The default namespace made empty: written only over a non-empty one.
                    before.is_some_and(|b| !b.is_empty())
                } else {
                    before != Some(uri)
                };
                if write {
                    written.push((p, uri));
                    context.retain(|(q, _)| *q != p);
                    context.push((p, uri));
                }
            }
            context
        }
    };
    out.push(b'<');
    out.extend_from_slice(name.as_bytes());
    written.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (p, u) in &written {
        if p.is_empty() {
            out.extend_from_slice(b" xmlns=\"");
        } else {
            out.extend_from_slice(b" xmlns:");
            out.extend_from_slice(p.as_bytes());
            out.extend_from_slice(b"=\"");
        }
        attribute_value(u, out);
        out.push(b'"');
    }
    // (namespace URI, local name, qualified name, value)
    let mut attributes: Vec<(&str, &str, &str, &str)> = node
        .attributes()
        .map(|a| {
            (
                a.namespace().unwrap_or(""),
                a.name(),
                attribute_qname(source, &a),
                a.value(),
            )
        })
        .collect();
    if is_apex && matches!(method, Canonicalization::Inclusive { .. }) {
        inherit_xml_attributes(node, &mut attributes);
    }
    attributes.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    for (_, _, q, v) in &attributes {
        out.push(b' ');
        out.extend_from_slice(q.as_bytes());
        out.extend_from_slice(b"=\"");
        attribute_value(v, out);
        out.push(b'"');
    }
    out.push(b'>');
    context
}

/// The attribute's qualified name as written (`text` is the document's).
fn attribute_qname<'i>(text: &'i str, a: &roxmltree::Attribute<'_, 'i>) -> &'i str {
    text.get(a.range_qname()).unwrap_or(a.name())
}

/// Canonical XML 1.0 section 2.4: an apex whose parent is left out carries the `xml:`
/// attributes in scope from its ancestors (the nearest one of each name), unless it has its
/// own.
fn inherit_xml_attributes<'a, 'i: 'a>(
    node: Node<'a, 'i>,
    attributes: &mut Vec<(&'a str, &'a str, &'a str, &'a str)>,
) {
    let source = node.document().input_text();
    for ancestor in node.ancestors().skip(1).filter(Node::is_element) {
        for a in ancestor.attributes() {
            if a.namespace() == Some(XML_NAMESPACE)
                && !attributes
                    .iter()
                    .any(|(ns, local, _, _)| *ns == XML_NAMESPACE && *local == a.name())
            {
                attributes.push((
                    XML_NAMESPACE,
                    a.name(),
                    attribute_qname(source, &a),
                    a.value(),
                ));
            }
        }
    }
}

/// Text content (section 2.3): `&`, `<`, `>` and carriage return escaped.
fn text(s: &str, out: &mut Vec<u8>) {
    for b in s.bytes() {
        match b {
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'>' => out.extend_from_slice(b"&gt;"),
            b'\r' => out.extend_from_slice(b"&#xD;"),
            _ => out.push(b),
        }
    }
}

/// An attribute value (section 2.3): `&`, `<`, `"`, tab, line feed and carriage return
/// escaped.
fn attribute_value(s: &str, out: &mut Vec<u8>) {
    for b in s.bytes() {
        match b {
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'"' => out.extend_from_slice(b"&quot;"),
            b'\t' => out.extend_from_slice(b"&#x9;"),
            b'\n' => out.extend_from_slice(b"&#xA;"),
            b'\r' => out.extend_from_slice(b"&#xD;"),
            _ => out.push(b),
        }
    }
}
