//! What changed between a signed revision and the final document.
//!
//! The final document's object graph is walked from its trailer. Every object reached is
//! compared with the definition the signed revision had: unchanged, overwritten (in use
//! when signed, defined again later), or new (absent or free when signed). Each change is
//! classified by where it sits: the catalog keys that hold long-term data (`/DSS`,
//! `/Extensions`), the form (`/AcroForm`, fields, signature values), the pages'
//! annotations, or anything else. A new object that an unchanged object references was a
//! dangling reference when the document was signed: filling it in changes what the signer
//! saw, so it is "anything else".

use crate::pdf::wide;
use std::collections::HashSet;
use std::rc::Rc;

use crate::error::{PdfError, PdfLimit};
use crate::limits::MAX_PDF_VISITS;
use crate::pdf::document::{Definition, PdfFile};
use crate::pdf::syntax::{Dict, ObjRef, Object};
use crate::pdf::{ModificationClass, PdfChange};

/// The part of the document an object plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Role {
    Catalog,
    AcroForm,
    Field,
    PageTree,
    Annotation,
    /// An annotation's appearance, owned by an annotation of the given class.
    Appearance(ModificationClass),
    /// Validation data (`/DSS` and everything under it).
    LongTerm,
    /// Document information (`/Info`, the XMP `/Metadata`).
    Information,
    /// A signature value dictionary (a field's `/V`).
    SignatureValue,
    Generic,
    /// A back reference (`/Parent`, `/P`, `/Popup`, `/IRT`): not followed, its target is
    /// reached in its own role (and an object changed but reached by no role is a change
    /// of its own).
    Skip,
}

/// Where a reference was met: the referencing object's status and the class new objects
/// may appear under there.
#[derive(Clone, Copy)]
struct Via {
    /// The class of a new object met here (`None`: the referencing object was unchanged,
    /// so a new object fills a dangling reference).
    new_class: Option<ModificationClass>,
}

pub(crate) struct Analysis<'f, 'a> {
    file: &'f PdfFile<'a>,
    signed: usize,
    last: usize,
    visited: HashSet<(u32, Role)>,
    visited_numbers: HashSet<u32>,
    /// The form field or annotation the walk is inside, if any.
    owner: Option<u32>,
    pub(crate) changes: Vec<PdfChange>,
    visits: &'f mut usize,
}

impl<'f, 'a> Analysis<'f, 'a> {
    /// Compares revision `signed` with the last one, counting object visits in `visits`.
    pub(crate) fn run(
        file: &'f PdfFile<'a>,
        signed: usize,
        visits: &'f mut usize,
    ) -> Result<Vec<PdfChange>, PdfError> {
        let last = file.revisions.len().saturating_sub(1);
        let mut a = Analysis {
            file,
            signed,
            last,
            visited: HashSet::new(),
            visited_numbers: HashSet::new(),
            owner: None,
            changes: Vec::new(),
            visits,
        };
        if signed < last {
            a.walk()?;
        }
        Ok(a.changes)
    }

    fn note(&mut self, number: u32, class: ModificationClass, what: impl Into<String>) {
        let within = self.owner;
        let revision = match self.file.definition(number, self.last) {
            Definition::Placed(r, _) | Definition::Free(r) => r,
            Definition::Absent => self.last,
        };
        let change = PdfChange {
            object: number,
            revision,
            class,
            what: what.into(),
            within,
        };
        if !self.changes.contains(&change) {
            self.changes.push(change);
        }
    }

    fn walk(&mut self) -> Result<(), PdfError> {
        let old_trailer = self
            .file
            .revisions
            .get(self.signed)
            .map(|r| r.trailer.clone())
            .unwrap_or_default();
        let new_trailer = self
            .file
            .revisions
            .get(self.last)
            .map(|r| r.trailer.clone())
            .unwrap_or_default();
        let old_root = old_trailer.get(b"Root".as_slice()).and_then(Object::as_ref);
        let new_root = new_trailer.get(b"Root".as_slice()).and_then(Object::as_ref);
        if old_root != new_root {
            self.note(
                0,
                ModificationClass::Other,
                "the trailer's /Root names another catalog",
            );
        }
        if let Some(root) = new_root {
            self.reference(root, Role::Catalog, Via { new_class: None })?;
        }
        match (
            old_trailer.get(b"Info".as_slice()).and_then(Object::as_ref),
            new_trailer.get(b"Info".as_slice()).and_then(Object::as_ref),
        ) {
            (_, Some(info)) => {
                self.reference(
                    info,
                    Role::Information,
                    Via {
                        new_class: Some(ModificationClass::LongTermData),
                    },
                )?;
            }
            (Some(_), None) => {}
            (None, None) => {}
        }
        // Objects in use when signed, defined again later and reached by no walk above.
        let later: Vec<u32> = self
            .file
            .revisions
            .iter()
            .skip(self.signed + 1)
            .flat_map(|r| r.entries.keys().copied())
            .collect();
        let mut seen = HashSet::new();
        for number in later {
            if !seen.insert(number) || self.visited_numbers.contains(&number) {
                continue;
            }
            if matches!(
                self.file.definition(number, self.signed),
                Definition::Placed(..)
            ) && self.file.definition(number, self.signed)
                != self.file.definition(number, self.last)
                && !self.same_object(number)?
            {
                self.note(
                    number,
                    ModificationClass::Other,
                    "an object of the signed revision is freed or redefined",
                );
            }
        }
        Ok(())
    }

    /// Whether object `number` has the same content at the signed and the last revision.
    fn same_object(&self, number: u32) -> Result<bool, PdfError> {
        let old = self.object_at(number, self.signed)?;
        let new = self.object_at(number, self.last)?;
        match (old, new) {
            (Some(a), Some(b)) => same(self.file, &a, &b),
            (None, None) => Ok(true),
            _ => Ok(false),
        }
    }

    fn object_at(&self, number: u32, rev: usize) -> Result<Option<Rc<Object>>, PdfError> {
        let generation = match self.file.definition(number, rev) {
            Definition::Placed(_, crate::pdf::document::Entry::InUse { generation, .. }) => {
                generation
            }
            Definition::Placed(..) => 0,
            _ => return Ok(None),
        };
        self.file.get(ObjRef { number, generation }, rev)
    }

    /// Visits the object `r` reached in `role`.
    fn reference(&mut self, r: ObjRef, role: Role, via: Via) -> Result<(), PdfError> {
        if role == Role::Skip {
            return Ok(());
        }
        // An object's role is where the structure puts it, never what the object says of
        // itself (a content stream rewritten with /Type /Annot is still a content stream).
        // One exception, which only narrows: a link to a page (an outline's or
        // /OpenAction's destination) leaves the page to the page tree, when the page was a
        // page when signed and still is.
        if role == Role::Generic && self.is_page_in_both(r)? {
            return Ok(());
        }
        if !self.visited.insert((r.number, role)) {
            return Ok(());
        }
        self.visited_numbers.insert(r.number);
        *self.visits += 1;
        if *self.visits > MAX_PDF_VISITS {
            return Err(PdfError::TooLarge {
                what: PdfLimit::Visits,
                limit: wide(MAX_PDF_VISITS),
            });
        }
        let new = self.file.get(r, self.last)?;
        let def_old = self.file.definition(r.number, self.signed);
        let def_new = self.file.definition(r.number, self.last);
        let old = if matches!(def_old, Definition::Placed(..)) {
            self.file.get(r, self.signed)?
        } else {
            None
        };
        let Some(new) = new else {
            if old.is_some() {
                self.note(
                    r.number,
                    ModificationClass::Other,
                    "an object of the signed revision was freed",
                );
            }
            return Ok(());
        };
        let status = if def_old == def_new {
            Status::Same
        } else {
            match &old {
                Some(o) if same(self.file, o, &new)? => Status::Same,
                Some(_) => Status::Changed,
                None => Status::New,
            }
        };
        let class = match status {
            Status::Same => None,
            Status::New => {
                let class = match via.new_class {
                    None => {
                        self.note(
                            r.number,
                            ModificationClass::Other,
                            "fills a reference that was dangling when the document was signed",
                        );
                        ModificationClass::Other
                    }
                    Some(c) => {
                        let c = self.new_object_class(role, &new, c)?;
                        self.note(r.number, c, format!("new {}", role_word(role)));
                        c
                    }
                };
                Some(class)
            }
            Status::Changed => {
                let old = old.clone().unwrap_or_else(|| Rc::new(Object::Null));
                let (c, what) = self.changed_class(role, &old, &new)?;
                self.note(r.number, c, what);
                Some(c)
            }
        };
        let owner = self.owner;
        if matches!(role, Role::Field | Role::Annotation) {
            self.owner = Some(r.number);
        }
        let result = self.children(&new, old.as_deref(), role, class);
        self.owner = owner;
        result
    }

    /// Whether `r` is a page dictionary (or page-tree node) both when signed and now.
    fn is_page_in_both(&self, r: ObjRef) -> Result<bool, PdfError> {
        let is_page = |o: Option<Rc<Object>>| {
            o.as_deref().is_some_and(|o| {
                matches!(o, Object::Dict(d) if matches!(
                    d.get(b"Type".as_slice()).and_then(Object::as_name),
                    Some(b"Page" | b"Pages")
                ))
            })
        };
        if !matches!(
            self.file.definition(r.number, self.signed),
            Definition::Placed(..)
        ) {
            return Ok(false);
        }
        Ok(is_page(self.file.get(r, self.signed)?) && is_page(self.file.get(r, self.last)?))
    }

    /// The class of a new object met in `role` where new objects are of class `given`.
    fn new_object_class(
        &self,
        role: Role,
        new: &Object,
        given: ModificationClass,
    ) -> Result<ModificationClass, PdfError> {
        Ok(match role {
            Role::Field | Role::Annotation => match new.as_dict() {
                Some(d) => self.new_widget_or_field_class(d)?,
                None => ModificationClass::Other,
            },
            Role::LongTerm => ModificationClass::LongTermData,
            _ => given,
        })
    }

    /// A new field or annotation: a signature field (signed, or invisible) is a signature;
    /// a document timestamp's is long-term data; anything else, including an unsigned
    /// signature field with a visible appearance, is an annotation.
    fn new_widget_or_field_class(&self, d: &Dict) -> Result<ModificationClass, PdfError> {
        let field_type = self.inherited(d, b"FT")?;
        let is_sig = field_type
            .as_ref()
            .and_then(|o| o.as_name().map(<[u8]>::to_vec))
            == Some(b"Sig".to_vec());
        let is_widget = d.get(b"Subtype".as_slice()).and_then(Object::as_name) == Some(b"Widget");
        if !is_sig {
            return Ok(if is_widget || d.contains_key(b"Subtype".as_slice()) {
                ModificationClass::Annotations
            } else {
                // A new non-signature field without a widget of its own.
                ModificationClass::Annotations
            });
        }
        let value = match self.inherited(d, b"V")? {
            Some(v) => self.file.resolve(&v, self.last)?,
            None => None,
        };
        match value {
            Some(v) => {
                let is_timestamp = v
                    .as_dict()
                    .and_then(|vd| vd.get(b"Type".as_slice()))
                    .and_then(Object::as_name)
                    == Some(b"DocTimeStamp");
                Ok(if is_timestamp && is_widget && visible(d) {
                    // A document timestamp shows nothing; one that does shows content the
                    // permissions for long-term data were never meant to let in.
                    ModificationClass::Annotations
                } else if is_timestamp {
                    ModificationClass::LongTermData
                } else {
                    ModificationClass::FormFilling
                })
            }
            None if is_widget && visible(d) => Ok(ModificationClass::Annotations),
            None => Ok(ModificationClass::FormFilling),
        }
    }

    /// Whether `d` is a signature field (or its widget) that holds a signature.
    fn is_signed_signature_widget(&self, d: &Dict) -> Result<bool, PdfError> {
        let is_sig = self
            .inherited(d, b"FT")?
            .and_then(|o| o.as_name().map(<[u8]>::to_vec))
            == Some(b"Sig".to_vec());
        Ok(is_sig
            && self
                .inherited(d, b"V")?
                .is_some_and(|v| !matches!(v, Object::Null)))
    }

    /// A field attribute, looked up through `/Parent`.
    fn inherited(&self, d: &Dict, key: &[u8]) -> Result<Option<Object>, PdfError> {
        let mut cur = Rc::new(Object::Dict(d.clone()));
        for _ in 0..crate::limits::MAX_PDF_REFERENCE_DEPTH {
            let Some(dict) = cur.as_dict() else {
                return Ok(None);
            };
            if let Some(v) = dict.get(key) {
                return Ok(Some(v.clone()));
            }
            let Some(parent) = dict.get(b"Parent".as_slice()) else {
                return Ok(None);
            };
            match self.file.resolve(parent, self.last)? {
                Some(p) => cur = p,
                None => return Ok(None),
            }
        }
        Ok(None)
    }

    /// Classifies the change of an object that was in use when signed.
    fn changed_class(
        &self,
        role: Role,
        old: &Object,
        new: &Object,
    ) -> Result<(ModificationClass, String), PdfError> {
        if let (Object::Array(oa), Object::Array(na), Role::Annotation | Role::Field) =
            (old, new, role)
        {
            let old_items: Vec<ObjRef> = oa.iter().filter_map(Object::as_ref).collect();
            let new_items: Vec<ObjRef> = na.iter().filter_map(Object::as_ref).collect();
            let class = self.items_class(&old_items, &new_items, role == Role::Annotation)?;
            return Ok((class, format!("{} list changed", role_word(role))));
        }
        let (Some(od), Some(nd)) = (old.as_dict(), new.as_dict()) else {
            return Ok((
                match role {
                    Role::LongTerm => ModificationClass::LongTermData,
                    Role::Information => ModificationClass::LongTermData,
                    Role::Appearance(c) => appearance_class(c),
                    _ => ModificationClass::Other,
                },
                format!("{} changed", role_word(role)),
            ));
        };
        let keys = changed_keys(self.file, od, nd)?;
        let words: Vec<String> = keys
            .iter()
            .map(|k| format!("/{}", String::from_utf8_lossy(k)))
            .collect();
        let what = format!("{}: {} changed", role_word(role), words.join(", "));
        let mut class = ModificationClass::None;
        for key in &keys {
            let k = key.as_slice();
            let c = match role {
                Role::Catalog => match k {
                    b"DSS" | b"Extensions" | b"Metadata" | b"Version" => {
                        ModificationClass::LongTermData
                    }
                    b"AcroForm" => self.array_class(od, nd, b"AcroForm")?,
                    _ => ModificationClass::Other,
                },
                Role::AcroForm => match k {
                    b"Fields" => self.array_class(od, nd, b"Fields")?,
                    b"SigFlags" => ModificationClass::LongTermData,
                    b"NeedAppearances" | b"DR" | b"DA" => ModificationClass::FormFilling,
                    _ => ModificationClass::Other,
                },
                Role::Field => self.field_key_class(od, k)?,
                Role::PageTree => match k {
                    b"Annots" => self.array_class(od, nd, b"Annots")?,
                    _ => ModificationClass::Other,
                },
                Role::Annotation => {
                    let widget =
                        nd.get(b"Subtype".as_slice()).and_then(Object::as_name) == Some(b"Widget");
                    if widget {
                        self.field_key_class(od, k)?
                    } else {
                        ModificationClass::Annotations
                    }
                }
                Role::Appearance(c) => appearance_class(c),
                Role::LongTerm => ModificationClass::LongTermData,
                Role::Information => ModificationClass::LongTermData,
                Role::SignatureValue | Role::Generic | Role::Skip => ModificationClass::Other,
            };
            class = class.max(c);
        }
        if keys.is_empty() {
            // Same keys, a stream whose data changed.
            class = match role {
                Role::LongTerm => ModificationClass::LongTermData,
                Role::Information => ModificationClass::LongTermData,
                Role::Appearance(c) => appearance_class(c),
                _ => ModificationClass::Other,
            };
        }
        Ok((class, what))
    }

    /// The class of a change to key `k` of a form field (or its widget) `old`: filling in a
    /// value or its appearance is form filling, signing an empty signature field is a
    /// signature; changing a signed field's value, or any other key, is anything else.
    fn field_key_class(&self, old: &Dict, k: &[u8]) -> Result<ModificationClass, PdfError> {
        let is_sig = self
            .inherited(old, b"FT")?
            .and_then(|o| o.as_name().map(<[u8]>::to_vec))
            == Some(b"Sig".to_vec());
        Ok(match k {
            b"V" if is_sig && !old.contains_key(b"V".as_slice()) => ModificationClass::FormFilling,
            b"V" if is_sig => ModificationClass::Other,
            b"V" | b"AS" => ModificationClass::FormFilling,
            b"AP" if is_sig && old.contains_key(b"V".as_slice()) => ModificationClass::Other,
            b"AP" | b"MK" | b"DA" => ModificationClass::FormFilling,
            b"Kids" => ModificationClass::FormFilling,
            _ => ModificationClass::Other,
        })
    }

    /// The class of a change to the array (or the dictionary holding it) under `key`:
    /// entries removed are annotations deleted (or, for fields, anything else); entries
    /// added are classified as new fields or annotations.
    fn array_class(&self, od: &Dict, nd: &Dict, key: &[u8]) -> Result<ModificationClass, PdfError> {
        if key == b"AcroForm" {
            // A direct /AcroForm dictionary: compare it as a form.
            let (Some(o), Some(n)) = (
                self.file.dict_of(od, key, self.signed)?,
                self.file.dict_of(nd, key, self.last)?,
            ) else {
                return Ok(if od.contains_key(key) {
                    ModificationClass::Other
                } else {
                    ModificationClass::FormFilling
                });
            };
            let (od2, nd2) = (
                o.as_dict().cloned().unwrap_or_default(),
                n.as_dict().cloned().unwrap_or_default(),
            );
            let mut class = ModificationClass::None;
            for k in changed_keys(self.file, &od2, &nd2)? {
                class = class.max(match k.as_slice() {
                    b"Fields" => self.array_class(&od2, &nd2, b"Fields")?,
                    b"SigFlags" => ModificationClass::LongTermData,
                    b"NeedAppearances" | b"DR" | b"DA" => ModificationClass::FormFilling,
                    _ => ModificationClass::Other,
                });
            }
            return Ok(class);
        }
        let old_items = self.array_items(od, key, self.signed)?;
        let new_items = self.array_items(nd, key, self.last)?;
        self.items_class(&old_items, &new_items, key == b"Annots")
    }

    /// The class of a list of annotations (`annots`) or of fields changing from `old_items`
    /// to `new_items`: entries removed are annotations deleted (for fields, anything else);
    /// entries added are classified as new fields or annotations.
    fn items_class(
        &self,
        old_items: &[ObjRef],
        new_items: &[ObjRef],
        annots: bool,
    ) -> Result<ModificationClass, PdfError> {
        let mut class = ModificationClass::None;
        for item in old_items {
            if !new_items.contains(item) {
                class = class.max(if annots {
                    self.removed_annotation_class(*item)?
                } else {
                    ModificationClass::Other
                });
            }
        }
        for item in new_items {
            if old_items.contains(item) {
                continue;
            }
            let existed = matches!(
                self.file.definition(item.number, self.signed),
                Definition::Placed(..)
            );
            let c = if existed {
                // An object of the signed revision placed in the form or on a page.
                if annots {
                    ModificationClass::Annotations
                } else {
                    ModificationClass::Other
                }
            } else {
                match self.file.get(*item, self.last)? {
                    Some(o) => match o.as_dict() {
                        Some(d) => self.new_widget_or_field_class(d)?,
                        None => ModificationClass::Other,
                    },
                    None => ModificationClass::Other,
                }
            };
            class = class.max(c);
        }
        if class == ModificationClass::None && old_items != new_items {
            // The same members in another order: the stacking of annotations, or the
            // order of fields.
            class = if annots {
                ModificationClass::Annotations
            } else {
                ModificationClass::FormFilling
            };
        }
        Ok(class)
    }

    /// Deleting an annotation is an annotation change, unless it is a signature's widget.
    fn removed_annotation_class(&self, r: ObjRef) -> Result<ModificationClass, PdfError> {
        let Some(o) = self.file.get(r, self.signed)? else {
            return Ok(ModificationClass::Annotations);
        };
        let Some(d) = o.as_dict() else {
            return Ok(ModificationClass::Other);
        };
        let widget = d.get(b"Subtype".as_slice()).and_then(Object::as_name) == Some(b"Widget");
        Ok(if widget {
            ModificationClass::Other
        } else {
            ModificationClass::Annotations
        })
    }

    /// The references in array `key` of `d` (the array direct or referenced) at `rev`.
    fn array_items(&self, d: &Dict, key: &[u8], rev: usize) -> Result<Vec<ObjRef>, PdfError> {
        let Some(v) = d.get(key) else {
            return Ok(Vec::new());
        };
        let Some(arr) = self.file.resolve(v, rev)? else {
            return Ok(Vec::new());
        };
        Ok(arr
            .as_array()
            .unwrap_or_default()
            .iter()
            .filter_map(Object::as_ref)
            .collect())
    }

    /// Visits the references inside `o`, reached in `role`; `class` is the class of
    /// `o`'s own change (`None` if unchanged).
    /// Visits the references inside `o` (whose version when signed is `old`), reached in
    /// `role`; `class` is the class of `o`'s own change (`None` if unchanged). A reference
    /// that `old` already held at the same place leads to an object that existed when
    /// signed or was dangling then: a new object there is never excused by `class`.
    fn children(
        &mut self,
        o: &Object,
        old: Option<&Object>,
        role: Role,
        class: Option<ModificationClass>,
    ) -> Result<(), PdfError> {
        match o {
            Object::Dict(d) | Object::Stream(d, _) => {
                let old_dict = old.and_then(Object::as_dict);
                for (k, v) in d {
                    let child = child_role(role, k, d);
                    let child = match child {
                        // The look of an unchanged annotation: changing it changes the
                        // annotation, unless it shows a signature already made, whose look
                        // is part of what was signed.
                        Role::Appearance(_) => Role::Appearance(match class {
                            Some(c) => c,
                            None if (role == Role::Annotation || role == Role::Field)
                                && !self.is_signed_signature_widget(d)? =>
                            {
                                ModificationClass::Annotations
                            }
                            None => ModificationClass::Other,
                        }),
                        other => other,
                    };
                    let c = match child {
                        Role::LongTerm => class.map(|_| ModificationClass::LongTermData),
                        _ => class,
                    };
                    let before = old_dict.and_then(|od| od.get(k));
                    self.value(v, before, child, Via { new_class: c })?;
                }
            }
            Object::Array(items) => {
                for v in items {
                    let before = old
                        .and_then(Object::as_array)
                        .and_then(|a| a.iter().find(|o| same_ref(o, v)));
                    self.value(v, before, role, Via { new_class: class })?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Visits `v` (whose counterpart when signed is `before`, if any) in `role`.
    fn value(
        &mut self,
        v: &Object,
        before: Option<&Object>,
        role: Role,
        via: Via,
    ) -> Result<(), PdfError> {
        if role == Role::Skip {
            return Ok(());
        }
        match v {
            Object::Ref(r) => {
                let held_before = before.is_some_and(|b| same_ref(b, v));
                let via = if held_before {
                    Via { new_class: None }
                } else {
                    via
                };
                self.reference(*r, role, via)
            }
            Object::Array(items) => {
                for item in items {
                    let b = before
                        .and_then(Object::as_array)
                        .and_then(|a| a.iter().find(|o| same_ref(o, item)));
                    self.value(item, b, role, via)?;
                }
                Ok(())
            }
            Object::Dict(d) => {
                let old_dict = before.and_then(Object::as_dict);
                for (k, w) in d {
                    let child = child_role(role, k, d);
                    self.value(w, old_dict.and_then(|od| od.get(k)), child, via)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// The class of a change inside an appearance owned by an annotation or field whose own
/// change is `owner` (filling a field rewrites its appearance: form filling); an appearance
/// changed under an unchanged owner was given its class where the walk entered it.
fn appearance_class(owner: ModificationClass) -> ModificationClass {
    if owner == ModificationClass::None {
        ModificationClass::Annotations
    } else {
        owner
    }
}

/// Whether two objects are the same reference.
fn same_ref(a: &Object, b: &Object) -> bool {
    matches!((a, b), (Object::Ref(x), Object::Ref(y)) if x == y)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Same,
    Changed,
    New,
}

/// The role of the value under key `k` of a dictionary `d` reached in `role`.
fn child_role(role: Role, k: &[u8], d: &Dict) -> Role {
    match (role, k) {
        // Nothing under a back reference is followed, even written inline.
        (Role::Skip, _) => Role::Skip,
        // Back references and links lead to objects visited in their own role.
        (_, b"Parent" | b"P" | b"Popup" | b"IRT") => Role::Skip,
        (Role::Catalog, b"AcroForm") => Role::AcroForm,
        (Role::Catalog, b"Pages") => Role::PageTree,
        (Role::Catalog, b"DSS") => Role::LongTerm,
        (Role::Catalog, b"Metadata") => Role::Information,
        (Role::Catalog, b"Extensions") => Role::LongTerm,
        (Role::AcroForm, b"Fields") => Role::Field,
        (Role::Field, b"Kids") => Role::Field,
        (Role::Field | Role::Annotation, b"V") if is_sig_value_holder(d) => Role::SignatureValue,
        // A signature reference's /Data names the object the transform covers (the
        // catalog, for FieldMDP): a back reference, visited in its own role.
        (Role::SignatureValue, b"Data") => Role::Skip,
        (Role::SignatureValue, _) => Role::SignatureValue,
        (Role::Field | Role::Annotation, b"AP") => Role::Appearance(ModificationClass::None),
        (Role::PageTree, b"Kids") => Role::PageTree,
        (Role::PageTree, b"Annots") => Role::Annotation,
        (Role::LongTerm, _) => Role::LongTerm,
        (Role::Information, _) => Role::Information,
        (Role::Appearance(c), _) => Role::Appearance(c),
        _ => Role::Generic,
    }
}

fn is_sig_value_holder(d: &Dict) -> bool {
    d.get(b"FT".as_slice()).and_then(Object::as_name) == Some(b"Sig")
}

fn role_word(role: Role) -> &'static str {
    match role {
        Role::Catalog => "catalog",
        Role::AcroForm => "form dictionary",
        Role::Field => "form field",
        Role::PageTree => "page or page-tree node",
        Role::Annotation => "annotation",
        Role::Appearance(_) => "appearance stream",
        Role::LongTerm => "validation data",
        Role::Information => "document information",
        Role::SignatureValue => "signature dictionary",
        Role::Generic | Role::Skip => "object",
    }
}

/// Whether an annotation has an area on the page and an appearance.
fn visible(d: &Dict) -> bool {
    let area = d
        .get(b"Rect".as_slice())
        .and_then(Object::as_array)
        .map(|r| {
            let n: Vec<f64> = r.iter().filter_map(number).collect();
            match n.as_slice() {
                [x1, y1, x2, y2] => (x2 - x1).abs() > 0.0 && (y2 - y1).abs() > 0.0,
                _ => false,
            }
        })
        .unwrap_or(false);
    area && d.contains_key(b"AP".as_slice())
}

fn number(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => i32::try_from(*i).ok().map(f64::from),
        Object::Real(r) => core::str::from_utf8(r).ok()?.parse().ok(),
        _ => None,
    }
}

/// The keys whose values differ between two dictionaries (references compared by number).
fn changed_keys(file: &PdfFile<'_>, a: &Dict, b: &Dict) -> Result<Vec<Vec<u8>>, PdfError> {
    let mut out = Vec::new();
    for (k, v) in a {
        match b.get(k) {
            Some(w) if same(file, v, w)? => {}
            _ => out.push(k.clone()),
        }
    }
    for k in b.keys() {
        if !a.contains_key(k) {
            out.push(k.clone());
        }
    }
    Ok(out)
}

/// Whether two objects are written the same (references by number, streams by their
/// dictionaries and raw data).
pub(crate) fn same(file: &PdfFile<'_>, a: &Object, b: &Object) -> Result<bool, PdfError> {
    Ok(match (a, b) {
        (Object::Null, Object::Null) => true,
        (Object::Bool(x), Object::Bool(y)) => x == y,
        (Object::Integer(x), Object::Integer(y)) => x == y,
        (Object::Real(x), Object::Real(y)) => x == y,
        (Object::Name(x), Object::Name(y)) => x == y,
        (Object::String(x, _), Object::String(y, _)) => x == y,
        (Object::Ref(x), Object::Ref(y)) => x == y,
        (Object::Array(x), Object::Array(y)) => {
            if x.len() != y.len() {
                return Ok(false);
            }
            for (p, q) in x.iter().zip(y) {
                if !same(file, p, q)? {
                    return Ok(false);
                }
            }
            true
        }
        (Object::Dict(x), Object::Dict(y)) => changed_keys(file, x, y)?.is_empty(),
        (Object::Stream(x, dx), Object::Stream(y, dy)) => {
            if !changed_keys(file, x, y)?.is_empty() || dx.length != dy.length {
                return Ok(false);
            }
            if dx.offset == dy.offset {
                return Ok(true);
            }
            let mut equal = true;
            let mut at = 0u64;
            const CHUNK: usize = 64 * 1024;
            while at < dx.length && equal {
                let n = usize::try_from((dx.length - at).min(wide(CHUNK))).unwrap_or(CHUNK);
                let p = file.src.read(dx.offset + at, n)?;
                let q = file.src.read(dy.offset + at, n)?;
                equal = p == q;
                at += wide(n);
            }
            equal
        }
        _ => false,
    })
}
