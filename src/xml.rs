//! XML documents, read strictly, and their canonical forms (Canonical XML 1.0 and Exclusive
//! XML Canonicalization 1.0), the ground XML signatures stand on.
//!
//! [`XmlDocument::parse`] reads UTF-8 XML 1.0 with namespaces through `roxmltree`, under
//! kyso's bounds ([`MAX_XML_SIZE`], [`MAX_XML_NODES`], [`MAX_XML_DEPTH`],
//! [`MAX_XML_ATTRIBUTES`], [`MAX_XML_NAMESPACES`]), and refuses every
//! document type declaration: entities and default attributes would make the tree differ
//! from the bytes, and no real signed document needs them. What is read is never repaired.
//!
//! [`XmlDocument::canonicalize`] and [`XmlDocument::canonicalize_element`] write the canonical
//! form of the whole document or of one element's subtree, exact to the byte, as a signature
//! verifier digests it:
//!
//! ```
//! use kyso::xml::{Canonicalization, XmlDocument};
//! let text = br#"<?xml version="1.0"?>
//! <HDon><DLHDon Id="data" b='2' a="1"><Ten>Cong ty &amp; co</Ten><T/></DLHDon></HDon>"#;
//! let doc = XmlDocument::parse(text)?;
//! let c14n = Canonicalization::Inclusive { with_comments: false };
//! assert_eq!(
//!     doc.canonicalize_element("data", &c14n)?,
//!     br#"<DLHDon Id="data" a="1" b="2"><Ten>Cong ty &amp; co</Ten><T></T></DLHDon>"#
//! );
//! # Ok::<(), kyso::Error>(())
//! ```

mod c14n;
pub(crate) mod dsig;
pub mod einvoice;
mod einvoice_signing;

use crate::error::{Error, XmlError};
use crate::limits::{
    MAX_XML_ATTRIBUTES, MAX_XML_DEPTH, MAX_XML_NAMESPACES, MAX_XML_NODES, MAX_XML_SIZE,
};

pub(crate) use c14n::Subset;

/// The namespace of the `xml:` prefix (Namespaces in XML 1.0 section 3).
pub(crate) const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

/// A canonicalization method (the `Algorithm` of an XML signature's `CanonicalizationMethod`
/// or of a C14N `Transform`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Canonicalization {
    /// Canonical XML 1.0 (W3C Recommendation, 15 March 2001): every namespace in scope is
    /// written where it first appears, and an element whose parent is left out inherits its
    /// ancestors' `xml:` attributes.
    Inclusive {
        /// Whether comments are kept (the `#WithComments` variant).
        with_comments: bool,
    },
    /// Exclusive XML Canonicalization 1.0 (W3C Recommendation, 18 July 2002): a namespace is
    /// written only where an element or attribute uses it, but for the prefixes listed,
    /// which are treated as Canonical XML 1.0 treats them.
    Exclusive {
        /// Whether comments are kept (the `#WithComments` variant).
        with_comments: bool,
        /// The `InclusiveNamespaces PrefixList`: prefixes, with `#default` for the default
        /// namespace.
        inclusive_prefixes: Vec<String>,
    },
}

impl Canonicalization {
    /// `http://www.w3.org/TR/2001/REC-xml-c14n-20010315`.
    pub const C14N_URI: &'static str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
    /// `http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments`.
    pub const C14N_WITH_COMMENTS_URI: &'static str =
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
    /// `http://www.w3.org/2001/10/xml-exc-c14n#`.
    pub const EXCLUSIVE_URI: &'static str = "http://www.w3.org/2001/10/xml-exc-c14n#";
    /// `http://www.w3.org/2001/10/xml-exc-c14n#WithComments`.
    pub const EXCLUSIVE_WITH_COMMENTS_URI: &'static str =
        "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";

    /// The method an algorithm URI names, with the exclusive method's prefix list; `None` for
    /// any other URI (Canonical XML 1.1 included, which kyso does not implement).
    pub fn from_uri(uri: &str, inclusive_prefixes: Vec<String>) -> Option<Self> {
        match uri {
            Self::C14N_URI => Some(Canonicalization::Inclusive {
                with_comments: false,
            }),
            Self::C14N_WITH_COMMENTS_URI => Some(Canonicalization::Inclusive {
                with_comments: true,
            }),
            Self::EXCLUSIVE_URI => Some(Canonicalization::Exclusive {
                with_comments: false,
                inclusive_prefixes,
            }),
            Self::EXCLUSIVE_WITH_COMMENTS_URI => Some(Canonicalization::Exclusive {
                with_comments: true,
                inclusive_prefixes,
            }),
            _ => None,
        }
    }

    /// The algorithm URI of this method.
    pub fn uri(&self) -> &'static str {
        match self {
            Canonicalization::Inclusive {
                with_comments: false,
            } => Self::C14N_URI,
            Canonicalization::Inclusive {
                with_comments: true,
            } => Self::C14N_WITH_COMMENTS_URI,
            Canonicalization::Exclusive {
                with_comments: false,
                ..
            } => Self::EXCLUSIVE_URI,
            Canonicalization::Exclusive {
                with_comments: true,
                ..
            } => Self::EXCLUSIVE_WITH_COMMENTS_URI,
        }
    }

    pub(crate) fn with_comments(&self) -> bool {
        match self {
            Canonicalization::Inclusive { with_comments }
            | Canonicalization::Exclusive { with_comments, .. } => *with_comments,
        }
    }
}

/// An XML document read by kyso's rules (module documentation), borrowing the bytes it was
/// read from.
pub struct XmlDocument<'a> {
    doc: roxmltree::Document<'a>,
    /// The elements of each unqualified `Id` value, indexed on first use.
    ids: std::sync::OnceLock<std::collections::HashMap<String, Vec<roxmltree::NodeId>>>,
}

impl core::fmt::Debug for XmlDocument<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "XmlDocument(<{}>, {} bytes)",
            self.doc.root_element().tag_name().name(),
            self.doc.input_text().len()
        )
    }
}

impl<'a> XmlDocument<'a> {
    /// Reads `bytes` as an XML document.
    ///
    /// # Errors
    ///
    /// - [`EncodingError::TooLarge`](crate::error::EncodingError::TooLarge) over
    ///   [`MAX_XML_SIZE`].
    /// - [`XmlError::NotUtf8`]: bytes not in UTF-8, or an XML declaration naming another
    ///   encoding.
    /// - [`XmlError::Doctype`] for any document type declaration.
    /// - [`XmlError::NotWellFormed`], with the line and column, for anything else that is
    ///   not well-formed XML 1.0 with namespaces.
    /// - [`XmlError::TooManyNodes`], [`XmlError::TooDeep`], [`XmlError::TooManyAttributes`]
    ///   and [`XmlError::TooManyNamespaces`] over [`MAX_XML_NODES`], [`MAX_XML_DEPTH`],
    ///   [`MAX_XML_ATTRIBUTES`] and [`MAX_XML_NAMESPACES`].
    pub fn parse(bytes: &'a [u8]) -> Result<Self, Error> {
        if bytes.len() > MAX_XML_SIZE {
            return Err(Error::Encoding(crate::error::EncodingError::TooLarge {
                object: crate::error::Object::Xml,
                limit: MAX_XML_SIZE,
                actual: bytes.len(),
            }));
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = core::str::from_utf8(bytes).map_err(|_| XmlError::NotUtf8)?;
        declared_encoding_is_utf8(text)?;
        prescan(text)?;
        let options = roxmltree::ParsingOptions {
            allow_dtd: false,
            nodes_limit: u32::try_from(MAX_XML_NODES).unwrap_or(u32::MAX),
            entity_resolver: None,
        };
        let doc = roxmltree::Document::parse_with_options(text, options)
            .map_err(|e| Error::Xml(syntax_error(&e)))?;
        refuse_doctype(&doc)?;
        check_depth(&doc)?;
        Ok(XmlDocument {
            doc,
            ids: std::sync::OnceLock::new(),
        })
    }

    /// The canonical form of the whole document: the document element with everything in
    /// it, and the comments (if kept) and processing instructions around it.
    pub fn canonicalize(&self, method: &Canonicalization) -> Vec<u8> {
        let mut out = Vec::new();
        c14n::write(
            &Subset {
                apex: self.doc.root(),
                exclude: None,
                comments: true,
            },
            method,
            &mut out,
        );
        out
    }

    /// The canonical form of the subtree of the one element whose `Id` attribute (no
    /// namespace) is `id`.
    ///
    /// # Errors
    ///
    /// [`XmlError::IdNotFound`] if no element has that `Id`, [`XmlError::DuplicateId`] if
    /// more than one has.
    pub fn canonicalize_element(
        &self,
        id: &str,
        method: &Canonicalization,
    ) -> Result<Vec<u8>, Error> {
        let apex = self.element_by_id(id)?;
        let mut out = Vec::new();
        c14n::write(
            &Subset {
                apex,
                exclude: None,
                comments: true,
            },
            method,
            &mut out,
        );
        Ok(out)
    }

    /// The document element's local name.
    pub fn root_name(&self) -> &str {
        self.doc.root_element().tag_name().name()
    }

    /// The one element whose unqualified `Id` attribute is `id`.
    pub(crate) fn element_by_id(&self, id: &str) -> Result<roxmltree::Node<'_, 'a>, Error> {
        let index = self.ids.get_or_init(|| {
            let mut index: std::collections::HashMap<String, Vec<roxmltree::NodeId>> =
                std::collections::HashMap::new();
            for node in self.doc.descendants().filter(roxmltree::Node::is_element) {
                for a in node.attributes() {
                    if a.namespace().is_none() && a.name() == "Id" {
                        index
                            .entry(a.value().to_owned())
                            .or_default()
                            .push(node.id());
                    }
                }
            }
            index
        });
        match index.get(id).map(Vec::as_slice) {
            Some([one]) => self
                .doc
                .get_node(*one)
                .ok_or_else(|| Error::Xml(XmlError::IdNotFound { id: id.to_owned() })),
            Some([_, _, ..]) => Err(Error::Xml(XmlError::DuplicateId { id: id.to_owned() })),
            _ => Err(Error::Xml(XmlError::IdNotFound { id: id.to_owned() })),
        }
    }
}

/// The encoding an XML declaration names, if any, must be UTF-8 (XML 1.0 section 4.3.3: the
/// name is matched without regard to case).
fn declared_encoding_is_utf8(text: &str) -> Result<(), Error> {
    let Some(rest) = text.strip_prefix("<?xml") else {
        return Ok(());
    };
    if !rest.starts_with(|c: char| c.is_ascii_whitespace()) {
        return Ok(());
    }
    let decl = rest.split("?>").next().unwrap_or_default();
    let Some(at) = decl.find("encoding") else {
        return Ok(());
    };
    let after = decl.get(at + "encoding".len()..).unwrap_or_default();
    let after = after
        .trim_start()
        .strip_prefix('=')
        .unwrap_or(after)
        .trim_start();
    let mut chars = after.chars();
    let Some(quote) = chars.next().filter(|q| *q == '"' || *q == '\'') else {
        // Malformed: the parser reports it.
        return Ok(());
    };
    let name: String = chars.take_while(|c| *c != quote).collect();
    if name.eq_ignore_ascii_case("UTF-8") {
        Ok(())
    } else {
        Err(Error::Xml(XmlError::NotUtf8))
    }
}

/// Bounds what `roxmltree` would otherwise spend without limit, before it reads the text:
/// attributes per element (it checks each against every other, quadratic in their number)
/// and namespace declarations in the document (each element that declares one copies the
/// bindings in scope). One pass over the markup, skipping comments, CDATA sections,
/// processing instructions and declarations; within a start tag, every `=` outside quotes
/// is one attribute. Malformed text is left to the parser.
fn prescan(text: &str) -> Result<(), Error> {
    let b = text.as_bytes();
    let find = |from: usize, pat: &str| {
        text.get(from..)
            .and_then(|t| t.find(pat))
            .map_or(b.len(), |i| from + i + pat.len())
    };
    let mut namespaces = 0usize;
    let mut i = 0;
    while let Some(off) = text.get(i..).and_then(|t| t.find('<')) {
        let at = i + off;
        let rest = text.get(at..).unwrap_or_default();
        if rest.starts_with("<!--") {
            i = find(at + 4, "-->");
        } else if rest.starts_with("<![CDATA[") {
            i = find(at + 9, "]]>");
        } else if rest.starts_with("<?") {
            i = find(at + 2, "?>");
        } else if rest.starts_with("<!") || rest.starts_with("</") {
            i = find(at + 2, ">");
        } else {
            let mut attributes = 0usize;
            let mut quote = None;
            let mut j = at + 1;
            while let Some(&c) = b.get(j) {
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None => match c {
                        b'"' | b'\'' => quote = Some(c),
                        b'>' => break,
                        b'=' => {
                            attributes += 1;
                            let name = text
                                .get(at + 1..j)
                                .unwrap_or_default()
                                .trim_end()
                                .rsplit(|c: char| c.is_ascii_whitespace())
                                .next()
                                .unwrap_or_default();
                            if name == "xmlns" || name.starts_with("xmlns:") {
                                namespaces += 1;
                            }
                        }
                        _ => {}
                    },
                }
                j += 1;
            }
            if attributes > MAX_XML_ATTRIBUTES {
                return Err(Error::Xml(XmlError::TooManyAttributes {
                    limit: MAX_XML_ATTRIBUTES,
                }));
            }
            if namespaces > MAX_XML_NAMESPACES {
                return Err(Error::Xml(XmlError::TooManyNamespaces {
                    limit: MAX_XML_NAMESPACES,
                }));
            }
            i = j + 1;
        }
    }
    Ok(())
}

/// Refuses a document type declaration wherever the prolog has one: between the nodes
/// before the document element only white space, the XML declaration, comments and
/// processing instructions may stand.
fn refuse_doctype(doc: &roxmltree::Document<'_>) -> Result<(), Error> {
    let text = doc.input_text();
    let end = doc.root_element().range().start;
    let prolog = text.get(..end).unwrap_or_default();
    if !prolog.contains("<!") {
        return Ok(());
    }
    // Comments are the only other markup starting "<!" allowed there; anything "<!" not
    // inside a comment node is a declaration.
    let comments: Vec<core::ops::Range<usize>> = doc
        .root()
        .children()
        .filter(|n| n.is_comment() && n.range().end <= end)
        .map(|n| n.range())
        .collect();
    let mut from = 0;
    while let Some(i) = prolog.get(from..).and_then(|p| p.find("<!")) {
        let at = from + i;
        if !comments.iter().any(|r| r.contains(&at)) {
            return Err(Error::Xml(XmlError::Doctype));
        }
        from = at + 2;
    }
    Ok(())
}

/// Refuses elements nested deeper than [`MAX_XML_DEPTH`], in one pass over the nodes in
/// document order.
fn check_depth(doc: &roxmltree::Document<'_>) -> Result<(), Error> {
    // The open elements of the current path, innermost last.
    let mut open: Vec<roxmltree::NodeId> = Vec::new();
    for node in doc.root().descendants().filter(roxmltree::Node::is_element) {
        let parent = node.parent().map(|p| p.id());
        while let Some(last) = open.last() {
            if Some(*last) == parent {
                break;
            }
            open.pop();
        }
        open.push(node.id());
        if open.len() > MAX_XML_DEPTH {
            return Err(Error::Xml(XmlError::TooDeep {
                limit: MAX_XML_DEPTH,
            }));
        }
    }
    Ok(())
}

/// The typed form of a `roxmltree` error.
fn syntax_error(e: &roxmltree::Error) -> XmlError {
    use roxmltree::Error as E;
    let reason = match e {
        E::DtdDetected => return XmlError::Doctype,
        E::NodesLimitReached => {
            return XmlError::TooManyNodes {
                limit: MAX_XML_NODES,
            };
        }
        E::InvalidXmlPrefixUri(_) | E::UnexpectedXmlUri(_) | E::UnexpectedXmlnsUri(_) => {
            "a reserved namespace misused"
        }
        E::InvalidElementNamePrefix(_) => "an element with the xmlns prefix",
        E::DuplicatedNamespace(..) => "a namespace declared twice on one element",
        E::UnknownNamespace(..) => "an undeclared namespace prefix",
        E::UnexpectedCloseTag(..) => "a close tag that does not match",
        E::UnknownEntityReference(..) => "an undeclared entity",
        E::MalformedEntityReference(_) => "a malformed entity or character reference",
        E::DuplicatedAttribute(..) => "an attribute given twice",
        E::NoRootNode => "no document element",
        E::UnclosedRootNode => "the document element is not closed",
        E::UnexpectedDeclaration(_) => "an XML declaration not at the start",
        E::InvalidAttributeValue(_) => "a '<' in an attribute value",
        _ => "invalid syntax",
    };
    let pos = e.pos();
    XmlError::NotWellFormed {
        line: pos.row,
        column: pos.col,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> XmlError {
        match XmlDocument::parse(text.as_bytes()) {
            Err(Error::Xml(e)) => e,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn every_doctype_is_refused() {
        for text in [
            "<!DOCTYPE a><a/>",
            "<!DOCTYPE a []><a/>",
            "<?xml version='1.0'?>\n<!-- c --><!DOCTYPE a SYSTEM 'x.dtd'><a/>",
            "<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>",
        ] {
            assert_eq!(refused(text), XmlError::Doctype, "{text}");
        }
        // "<!" inside a comment of the prolog is text, not a declaration.
        assert!(XmlDocument::parse(b"<!-- <!DOCTYPE a> --><a/>").is_ok());
    }

    #[test]
    fn encodings_other_than_utf8_are_refused() {
        assert_eq!(
            refused("<?xml version='1.0' encoding='ISO-8859-1'?><a/>"),
            XmlError::NotUtf8
        );
        assert!(XmlDocument::parse(b"<?xml version='1.0' encoding = \"utf-8\"?><a/>").is_ok());
        assert!(XmlDocument::parse(b"\xEF\xBB\xBF<a/>").is_ok());
        assert!(matches!(
            XmlDocument::parse(b"<a>\xff</a>"),
            Err(Error::Xml(XmlError::NotUtf8))
        ));
        assert!(matches!(
            XmlDocument::parse(b"\xFF\xFE<\0a\0/\0>\0"),
            Err(Error::Xml(XmlError::NotUtf8))
        ));
    }

    #[test]
    fn depth_is_bounded() {
        let ok = "<a>".repeat(MAX_XML_DEPTH) + &"</a>".repeat(MAX_XML_DEPTH);
        assert!(XmlDocument::parse(ok.as_bytes()).is_ok());
        let deep = "<a>".repeat(MAX_XML_DEPTH + 1) + &"</a>".repeat(MAX_XML_DEPTH + 1);
        assert_eq!(
            refused(&deep),
            XmlError::TooDeep {
                limit: MAX_XML_DEPTH
            }
        );
        // Siblings do not add up.
        let wide = format!("<r>{}</r>", "<a><b/></a>".repeat(1000));
        assert!(XmlDocument::parse(wide.as_bytes()).is_ok());
    }

    #[test]
    fn attributes_and_namespace_declarations_are_bounded_before_parsing() {
        let attrs = |n: usize| {
            let list: String = (0..n).map(|i| format!(" a{i}='x=y'")).collect();
            format!("<!-- a=b c=d --><r{list}><![CDATA[ e=f ]]><?p g=h?></r>")
        };
        assert!(XmlDocument::parse(attrs(MAX_XML_ATTRIBUTES).as_bytes()).is_ok());
        assert_eq!(
            refused(&attrs(MAX_XML_ATTRIBUTES + 1)),
            XmlError::TooManyAttributes {
                limit: MAX_XML_ATTRIBUTES
            }
        );
        let namespaces = |n: usize| {
            let inner: String = (0..n)
                .map(|i| format!("<e xmlns:p{i} = 'urn:{i}'/>"))
                .collect();
            format!("<r xmlns='urn:r'>{inner}</r>")
        };
        assert!(XmlDocument::parse(namespaces(MAX_XML_NAMESPACES - 1).as_bytes()).is_ok());
        assert_eq!(
            refused(&namespaces(MAX_XML_NAMESPACES)),
            XmlError::TooManyNamespaces {
                limit: MAX_XML_NAMESPACES
            }
        );
    }

    #[test]
    fn not_well_formed_is_located() {
        assert!(matches!(
            refused("<a>\n  <b></a>"),
            XmlError::NotWellFormed {
                line: 2,
                reason: "a close tag that does not match",
                ..
            }
        ));
        assert!(matches!(
            refused("<p:a/>"),
            XmlError::NotWellFormed {
                reason: "an undeclared namespace prefix",
                ..
            }
        ));
    }

    #[test]
    fn ids_resolve_to_exactly_one_element() {
        let doc = XmlDocument::parse(b"<r><a Id='x'/><b Id='y'/><c p:Id='z' xmlns:p='u'/></r>")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(doc.element_by_id("x").is_ok());
        assert_eq!(
            doc.element_by_id("z").map(|_| ()),
            Err(Error::Xml(XmlError::IdNotFound { id: "z".into() }))
        );
        let doc = XmlDocument::parse(b"<r><a Id='x'/><b><c Id='x'/></b></r>")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            doc.element_by_id("x").map(|_| ()),
            Err(Error::Xml(XmlError::DuplicateId { id: "x".into() }))
        );
    }
}
