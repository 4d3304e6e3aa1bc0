//! Certificate policies: the valid_policy_tree of RFC 5280 section 6.1, with its initial
//! inputs (section 6.1.1 (c), (e), (f), (g)) and the policyMappings, policyConstraints and
//! inhibitAnyPolicy extensions.
//!
//! The tree is kept level by level: level `i` holds the nodes of depth `i`, each with the
//! index of its parent in level `i - 1`. Deleting a node marks it dead; pruning walks the
//! levels upwards and kills every node of depth below the current one that has no live
//! child. The number of nodes is bounded by [`MAX_POLICY_NODES`], so a crafted chain of
//! mappings cannot make the tree grow without bound.

use crate::budget::Allowance;
use crate::cert::Certificate;
use crate::error::PathError;
use crate::error::{BudgetKind, ChainPosition, Error};
use crate::limits::MAX_POLICY_NODES;
use crate::oid::Oid;

/// The anyPolicy OID (RFC 5280 section 4.2.1.4).
pub(crate) const ANY_POLICY: Oid = Oid::known("2.5.29.32.0");

/// A set of certificate policies: any policy, or the listed OIDs.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
// Exhaustive on purpose: the policy set of RFC 5280 section 6.1 is either any-policy or a list: complete by definition.
#[allow(clippy::exhaustive_enums)]
pub enum PolicySet {
    /// Every policy (RFC 5280's any-policy).
    Any,
    /// Only these policy OIDs; empty when no policy remains.
    Only(Vec<Oid>),
}

impl PolicySet {
    /// The set of the given OIDs. Listing anyPolicy (2.5.29.32.0) makes it
    /// [`PolicySet::Any`].
    pub fn of<I>(oids: I) -> Self
    where
        I: IntoIterator<Item = Oid>,
    {
        let mut list: Vec<Oid> = Vec::new();
        for oid in oids {
            if oid == ANY_POLICY {
                return PolicySet::Any;
            }
            if !list.contains(&oid) {
                list.push(oid);
            }
        }
        PolicySet::Only(list)
    }

    /// Whether `oid` is in the set.
    pub fn contains(&self, oid: &Oid) -> bool {
        match self {
            PolicySet::Any => true,
            PolicySet::Only(list) => list.iter().any(|p| p == oid),
        }
    }

    /// Whether the set is empty (no policy remains).
    pub fn is_empty(&self) -> bool {
        matches!(self, PolicySet::Only(list) if list.is_empty())
    }
}

/// Serialised as `"any-policy"` or the list of OIDs.
impl serde::Serialize for PolicySet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            PolicySet::Any => serializer.serialize_str("any-policy"),
            PolicySet::Only(list) => serializer.collect_seq(list),
        }
    }
}

impl core::fmt::Display for PolicySet {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            PolicySet::Any => f.write_str("any-policy"),
            PolicySet::Only(list) if list.is_empty() => f.write_str("(none)"),
            PolicySet::Only(list) => {
                let dotted: Vec<&str> = list.iter().map(Oid::as_str).collect();
                f.write_str(&dotted.join(", "))
            }
        }
    }
}

/// The initial policy inputs of RFC 5280 section 6.1.1: which policies the relying party
/// accepts, and whether it requires an explicit policy or inhibits mapping or anyPolicy
/// from the start.
///
/// The default accepts any policy and sets no flag, as RFC 5280 and PKITS's "default
/// settings" do.
///
/// ```
/// use kyso::path::{PolicyInputs, PolicySet};
/// // A relying party that accepts only documents issued under one policy, and requires
/// // every certificate of the path to carry an acceptable one.
/// let inputs = PolicyInputs::default()
///     .acceptable(PolicySet::of(["2.16.704.1.1.1".parse()?]))
///     .require_explicit_policy(true);
/// assert!(inputs.initial_explicit_policy);
/// # Ok::<(), kyso::oid::InvalidOid>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[non_exhaustive]
pub struct PolicyInputs {
    /// user-initial-policy-set: the policies acceptable to the relying party.
    pub user_initial_policy_set: PolicySet,
    /// initial-explicit-policy: the path must be valid for at least one policy in the set.
    pub initial_explicit_policy: bool,
    /// initial-policy-mapping-inhibit: policy mapping is not permitted.
    pub initial_policy_mapping_inhibit: bool,
    /// initial-any-policy-inhibit: anyPolicy in a certificate is not honoured.
    pub initial_any_policy_inhibit: bool,
}

impl Default for PolicyInputs {
    fn default() -> Self {
        PolicyInputs {
            user_initial_policy_set: PolicySet::Any,
            initial_explicit_policy: false,
            initial_policy_mapping_inhibit: false,
            initial_any_policy_inhibit: false,
        }
    }
}

impl PolicyInputs {
    /// Sets the user-initial-policy-set.
    pub fn acceptable(mut self, policies: PolicySet) -> Self {
        self.user_initial_policy_set = policies;
        self
    }

    /// Sets initial-explicit-policy.
    pub fn require_explicit_policy(mut self, on: bool) -> Self {
        self.initial_explicit_policy = on;
        self
    }

    /// Sets initial-policy-mapping-inhibit.
    pub fn inhibit_policy_mapping(mut self, on: bool) -> Self {
        self.initial_policy_mapping_inhibit = on;
        self
    }

    /// Sets initial-any-policy-inhibit.
    pub fn inhibit_any_policy(mut self, on: bool) -> Self {
        self.initial_any_policy_inhibit = on;
        self
    }
}

/// One node of the valid_policy_tree (qualifiers are not kept: kyso does not act on them).
#[derive(Clone, Debug)]
struct Node {
    policy: Oid,
    expected: Vec<Oid>,
    /// Index of the parent in the level above; the root's is unused.
    parent: usize,
    alive: bool,
}

/// The valid_policy_tree and the three counters of RFC 5280 section 6.1.2.
struct Tree {
    levels: Vec<Vec<Node>>,
    /// The tree is NULL.
    null: bool,
    /// Nodes plus expected-policy entries made so far, against [`MAX_POLICY_NODES`].
    size: Allowance,
}

impl Tree {
    fn new() -> Self {
        Tree {
            levels: vec![vec![Node {
                policy: ANY_POLICY,
                expected: vec![ANY_POLICY],
                parent: 0,
                alive: true,
            }]],
            null: false,
            // The root: one node and its one expected policy.
            size: Allowance::new(BudgetKind::PolicyTreeNodes, MAX_POLICY_NODES, 2),
        }
    }

    /// Counts `n` more nodes or expected-policy entries.
    fn charge(&mut self, n: usize) -> Result<(), Error> {
        self.size.spend(n)
    }

    fn push(&mut self, depth: usize, node: Node) -> Result<(), Error> {
        self.charge(node.expected.len().saturating_add(1))?;
        if let Some(level) = self.levels.get_mut(depth) {
            level.push(node);
        }
        Ok(())
    }

    fn level(&self, depth: usize) -> impl Iterator<Item = (usize, &Node)> {
        self.levels
            .get(depth)
            .into_iter()
            .flatten()
            .enumerate()
            .filter(|(_, n)| n.alive)
    }

    /// Kills every node of depth below `deepest` with no live child, bottom up, and makes
    /// the tree NULL if the root goes.
    fn prune(&mut self, deepest: usize) {
        for depth in (0..deepest.min(self.levels.len().saturating_sub(1))).rev() {
            let mut has_child = vec![false; self.levels[depth].len()];
            for child in self.levels[depth + 1].iter().filter(|n| n.alive) {
                if let Some(flag) = has_child.get_mut(child.parent) {
                    *flag = true;
                }
            }
            for (node, keep) in self.levels[depth].iter_mut().zip(has_child) {
                node.alive &= keep;
            }
        }
        if !self
            .levels
            .first()
            .is_some_and(|l| l.iter().any(|n| n.alive))
        {
            self.null = true;
        }
    }

    /// Kills the descendants of dead nodes, top down.
    fn kill_orphans(&mut self) {
        for depth in 1..self.levels.len() {
            let (above, below) = self.levels.split_at_mut(depth);
            let Some(parents) = above.last() else {
                continue;
            };
            for node in below[0].iter_mut() {
                if !parents.get(node.parent).is_some_and(|p| p.alive) {
                    node.alive = false;
                }
            }
        }
    }
}

/// Runs RFC 5280's policy processing over `chain` (end entity first, as kyso keeps paths)
/// and returns the user-constrained policy set.
// Long on purpose: it follows RFC 5280 sections 6.1.2 to 6.1.5 step by step, each step
// labelled, and reads best as the RFC's one procedure.
#[allow(clippy::too_many_lines)]
pub(crate) fn process(
    chain: &[Certificate],
    inputs: &PolicyInputs,
    anchor: Option<&Certificate>,
    position: impl Fn(usize, &Certificate) -> ChainPosition,
) -> Result<PolicySet, Error> {
    let n = chain.len();
    // RFC 5937 section 2: an anchor certificate's certificatePolicies narrow the acceptable
    // set.
    let anchor_inputs;
    let inputs = match anchor.and_then(Certificate::policy_extension) {
        Some(policies) if !policies.contains(&ANY_POLICY) => {
            anchor_inputs = PolicyInputs {
                user_initial_policy_set: PolicySet::Only(
                    policies
                        .iter()
                        .filter(|p| inputs.user_initial_policy_set.contains(p))
                        .cloned()
                        .collect(),
                ),
                ..inputs.clone()
            };
            &anchor_inputs
        }
        _ => inputs,
    };
    if n == 0 {
        return Ok(inputs.user_initial_policy_set.clone());
    }
    let start = |inhibited: bool| if inhibited { 0 } else { n + 1 };
    let mut explicit_policy = start(inputs.initial_explicit_policy);
    let mut inhibit_any_policy = start(inputs.initial_any_policy_inhibit);
    let mut policy_mapping = start(inputs.initial_policy_mapping_inhibit);
    // RFC 5937 section 2: its policyConstraints and inhibitAnyPolicy act as those of a CA
    // above certificate 1 (RFC 5280 section 6.1.4 (i), (j)), with nothing to count down.
    if let Some(anchor) = anchor {
        let skip = |v: u32| usize::try_from(v).unwrap_or(usize::MAX);
        if let Some(pc) = anchor.policy_constraints() {
            if let Some(r) = pc.require_explicit_policy {
                explicit_policy = explicit_policy.min(skip(r));
            }
            if let Some(m) = pc.inhibit_policy_mapping {
                policy_mapping = policy_mapping.min(skip(m));
            }
        }
        if let Some(a) = anchor.inhibit_any_policy() {
            inhibit_any_policy = inhibit_any_policy.min(skip(a));
        }
    }
    let mut tree = Tree::new();
    // Certificate i of RFC 5280 (1 = issued by the anchor, n = end entity) is chain[n - i].
    for i in 1..=n {
        let cert = &chain[n - i];
        let pos = || position(n - i, cert);
        let self_issued = cert.is_self_issued();
        tree.levels.push(Vec::new());
        // 6.1.3 (d) and (e).
        match cert.policy_extension() {
            Some(policies) if !tree.null => {
                for p in policies.iter().filter(|p| **p != ANY_POLICY) {
                    // (d)(1)(i): children of every node that expects P.
                    let parents: Vec<usize> = tree
                        .level(i - 1)
                        .filter(|(_, node)| node.expected.iter().any(|e| e == p))
                        .map(|(k, _)| k)
                        .collect();
                    let parents = if parents.is_empty() {
                        // (d)(1)(ii): else a child of an anyPolicy node.
                        tree.level(i - 1)
                            .filter(|(_, node)| node.policy == ANY_POLICY)
                            .map(|(k, _)| k)
                            .take(1)
                            .collect()
                    } else {
                        parents
                    };
                    for parent in parents {
                        tree.push(
                            i,
                            Node {
                                policy: p.clone(),
                                expected: vec![p.clone()],
                                parent,
                                alive: true,
                            },
                        )?;
                    }
                }
                // (d)(2): anyPolicy, when not inhibited (a self-issued intermediate counts
                // as not inhibited).
                let honoured = inhibit_any_policy > 0 || (i < n && self_issued);
                if honoured && policies.contains(&ANY_POLICY) {
                    let mut new = Vec::new();
                    for (k, node) in tree.level(i - 1) {
                        for e in &node.expected {
                            let exists = tree
                                .level(i)
                                .any(|(_, child)| child.parent == k && &child.policy == e);
                            if !exists && !new.iter().any(|(pk, pe)| *pk == k && pe == e) {
                                // Each new node brings one expected policy: two units.
                                let pending = new.len().saturating_add(1).saturating_mul(2);
                                if !tree.size.fits(pending) {
                                    return Err(tree.size.exceeded());
                                }
                                new.push((k, e.clone()));
                            }
                        }
                    }
                    for (parent, policy) in new {
                        tree.push(
                            i,
                            Node {
                                expected: vec![policy.clone()],
                                policy,
                                parent,
                                alive: true,
                            },
                        )?;
                    }
                }
                // (d)(3).
                tree.prune(i);
            }
            Some(_) => {}
            None => tree.null = true,
        }
        // 6.1.3 (f).
        if explicit_policy == 0 && tree.null {
            return Err(Error::Path {
                cert: pos(),
                reason: PathError::NoValidPolicy,
            });
        }
        if i == n {
            break;
        }
        // 6.1.4 (a): anyPolicy may not be mapped to or from.
        let mappings = cert.policy_mappings();
        if mappings
            .iter()
            .any(|(from, to)| *from == ANY_POLICY || *to == ANY_POLICY)
        {
            return Err(Error::Path {
                cert: pos(),
                reason: PathError::InvalidPolicyMapping,
            });
        }
        // 6.1.4 (b).
        if !mappings.is_empty() && !tree.null {
            let mut issuer_policies: Vec<&Oid> = Vec::new();
            for (from, _) in mappings {
                if !issuer_policies.contains(&from) {
                    issuer_policies.push(from);
                }
            }
            if policy_mapping > 0 {
                for from in issuer_policies {
                    let mut targets: Vec<Oid> = Vec::new();
                    for (_, t) in mappings.iter().filter(|(f, _)| f == from) {
                        if !targets.contains(t) {
                            targets.push(t.clone());
                        }
                    }
                    let matching = tree.level(i).filter(|(_, n)| n.policy == *from).count();
                    tree.charge(matching.saturating_mul(targets.len()))?;
                    let mut matched = false;
                    if let Some(level) = tree.levels.get_mut(i) {
                        for node in level.iter_mut().filter(|n| n.alive && n.policy == *from) {
                            node.expected = targets.clone();
                            matched = true;
                        }
                    }
                    if !matched {
                        let any_parent = tree
                            .level(i)
                            .find(|(_, node)| node.policy == ANY_POLICY)
                            .map(|(_, node)| node.parent);
                        if let Some(parent) = any_parent {
                            tree.push(
                                i,
                                Node {
                                    policy: from.to_owned(),
                                    expected: targets,
                                    parent,
                                    alive: true,
                                },
                            )?;
                        }
                    }
                }
            } else {
                if let Some(level) = tree.levels.get_mut(i) {
                    for node in level.iter_mut() {
                        if issuer_policies.contains(&&node.policy) {
                            node.alive = false;
                        }
                    }
                }
                tree.prune(i);
            }
        }
        // 6.1.4 (h), (i), (j).
        if !self_issued {
            explicit_policy = explicit_policy.saturating_sub(1);
            policy_mapping = policy_mapping.saturating_sub(1);
            inhibit_any_policy = inhibit_any_policy.saturating_sub(1);
        }
        if let Some(pc) = cert.policy_constraints() {
            if let Some(r) = pc.require_explicit_policy {
                explicit_policy = explicit_policy.min(to_usize(r));
            }
            if let Some(m) = pc.inhibit_policy_mapping {
                policy_mapping = policy_mapping.min(to_usize(m));
            }
        }
        if let Some(skip) = cert.inhibit_any_policy() {
            inhibit_any_policy = inhibit_any_policy.min(to_usize(skip));
        }
    }
    // 6.1.5 (a), (b).
    let leaf = &chain[0];
    explicit_policy = explicit_policy.saturating_sub(1);
    if leaf
        .policy_constraints()
        .is_some_and(|pc| pc.require_explicit_policy == Some(0))
    {
        explicit_policy = 0;
    }
    // 6.1.5 (g).
    let result = intersect(&mut tree, n, &inputs.user_initial_policy_set)?;
    if explicit_policy == 0 && result.is_empty() {
        return Err(Error::Path {
            cert: position(0, leaf),
            reason: PathError::NoValidPolicy,
        });
    }
    Ok(result)
}

fn to_usize(v: u32) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

/// 6.1.5 (g): the intersection of the tree with the user-initial-policy-set, returned as
/// the user-constrained policy set.
///
/// The set is given in the trust anchor's policy domain, as PKITS and X.509 state it: for
/// each live node at depth `n`, the policy of its first ancestor (or itself) below the
/// anyPolicy nodes at the top. A node whose whole line is anyPolicy stands for any policy.
fn intersect(tree: &mut Tree, n: usize, user: &PolicySet) -> Result<PolicySet, Error> {
    if tree.null {
        return Ok(PolicySet::Only(Vec::new()));
    }
    if let PolicySet::Only(acceptable) = user {
        // (g)(iii)(1), (2): nodes whose parent is anyPolicy, and that are neither anyPolicy
        // nor acceptable, go with their subtrees.
        let mut node_set_policies: Vec<Oid> = Vec::new();
        for depth in 1..tree.levels.len() {
            let parent_any: Vec<bool> = tree.levels[depth - 1]
                .iter()
                .map(|p| p.alive && p.policy == ANY_POLICY)
                .collect();
            for node in tree.levels[depth].iter_mut().filter(|n| n.alive) {
                if parent_any.get(node.parent).copied().unwrap_or(false) {
                    if node.policy != ANY_POLICY && !acceptable.contains(&node.policy) {
                        node.alive = false;
                    } else {
                        node_set_policies.push(node.policy.clone());
                    }
                }
            }
        }
        tree.kill_orphans();
        // (g)(iii)(3): an anyPolicy leaf stands for every acceptable policy not yet there.
        let any_leaf = tree
            .level(n)
            .find(|(_, node)| node.policy == ANY_POLICY)
            .map(|(k, node)| (k, node.parent));
        if let Some((k, parent)) = any_leaf {
            for p in acceptable {
                if !node_set_policies.contains(p) {
                    tree.push(
                        n,
                        Node {
                            policy: p.clone(),
                            expected: vec![p.clone()],
                            parent,
                            alive: true,
                        },
                    )?;
                }
            }
            if let Some(node) = tree.levels.get_mut(n).and_then(|l| l.get_mut(k)) {
                node.alive = false;
            }
        }
        // (g)(iii)(4).
        tree.prune(n);
        if tree.null {
            return Ok(PolicySet::Only(Vec::new()));
        }
    }
    let mut anchor_domain: Vec<Oid> = Vec::new();
    for (k, _) in tree.level(n) {
        let mut found = &ANY_POLICY;
        let mut index = k;
        for depth in (1..=n).rev() {
            let Some(node) = tree.levels.get(depth).and_then(|l| l.get(index)) else {
                break;
            };
            if node.policy != ANY_POLICY {
                found = &node.policy;
            }
            index = node.parent;
        }
        anchor_domain.push(found.to_owned());
    }
    Ok(PolicySet::of(anchor_domain))
}
