//! What each reveal discloses, computed from the checked program: who learns
//! it, what it is in plain words, whose inputs it depends on, and how close it
//! comes to one party's input. The approval window and `cohort check` show
//! this; nothing in it comes from the site's own words.
//!
//! The analysis follows every element of the [`Plan`]'s dataflow graph back
//! to the input elements it is computed from:
//!
//! ```text
//!  Exact(input, element)   an invertible public-arithmetic function of one
//!                          input element (x, -x, 2*x + 5, x / 3, 1/x, x << 2)
//!  Mixed({(input, party)}) some other function of these parties' inputs
//!  Public                  no input at all (constants, random draws)
//! ```
//!
//! A reveal's [`Class`] is the most exposing of its elements' classes: `input`
//! if any element is `Exact`, else `one_party` if any element depends on one
//! party's inputs only, else `several_parties` if any depends on inputs, else
//! `none`. The analysis never under-states: an operation it cannot see
//! through (a comparison, a sort, a secret multiplication) joins the inputs of
//! its operands, so a value computed from one party's input alone is never
//! presented as an aggregate.
//!
//! Descriptions are generated from the same graph. Where an expression is too
//! large to read, the description falls back to "a value computed from …",
//! naming the inputs, which is always true.

use std::collections::BTreeSet;
use std::rc::Rc;

use cohort_mpc::{Kind, PartyId, SecType, Value};
use serde::Serialize;

use crate::plan::{Map, NodeId, Op, OutputSpec, OutputTo, Owner, Pair, Plan, Random, Reduce};

/// How close a reveal comes to one party's input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Depends on no input (a random draw, a constant).
    None,
    /// A function of several parties' inputs together.
    SeveralParties,
    /// A function of a single party's inputs (a comparison, a rounding, …).
    OneParty,
    /// One party's input itself, or one element of it, up to public
    /// arithmetic (`2*x + 5`).
    Input,
}

impl Class {
    /// The class as `cohort check --disclosure` writes it.
    pub fn code(self) -> &'static str {
        match self {
            Class::None => "none",
            Class::SeveralParties => "several_parties",
            Class::OneParty => "one_party",
            Class::Input => "input",
        }
    }
}

/// Which party provides an input a reveal depends on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Provider {
    /// One party, by index.
    Party(PartyId),
    /// Every party (`"each"`): the reveal depends on every party's element.
    Each,
    /// The party playing this role.
    Role(String),
}

/// A party index as a number, [`Provider::Each`] as `"each"`, a role as its name.
impl Serialize for Provider {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Provider::Party(p) => s.serialize_u64(*p as u64),
            Provider::Each => s.serialize_str("each"),
            Provider::Role(r) => s.serialize_str(r),
        }
    }
}

/// An input a reveal depends on, and whose it is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Dependency {
    /// The input's name.
    pub input: String,
    /// Who provides the elements the reveal depends on.
    pub party: Provider,
}

/// A party other than the receivers' own whose input a reveal exposes: some
/// receiver other than `party` learns `class` about `party`'s input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exposure {
    /// The party whose input is exposed.
    pub party: PartyId,
    /// [`Class::Input`] (the input itself) or [`Class::OneParty`] (a value computed from it alone).
    pub class: Class,
    /// The exposed input's name.
    pub input: String,
    /// The input's owner in words: "party 2's salary", "the seller's reserve (party 0)".
    pub whose: String,
    /// The parties other than `party` who learn it.
    pub to: Vec<PartyId>,
}

/// What the other parties could work out together from a reveal and their
/// own inputs, where that can be said exactly: a total or a mean of one input
/// that every party provides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pooling {
    /// The input, provided by every party.
    pub input: String,
    /// Whether the reveal is its total or its mean.
    pub of: Pooled,
}

/// What a pooled reveal is of every party's input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pooled {
    /// The sum: the other parties can work the input out exactly.
    Total,
    /// The mean: the other parties can work the input out up to its rounding.
    Mean,
}

impl Pooled {
    fn source_words(self) -> &'static str {
        match self {
            Pooled::Total => "the total",
            Pooled::Mean => "the mean, up to its rounding",
        }
    }
}

/// What one reveal discloses.
#[derive(Clone, Debug, Serialize)]
pub struct Reveal {
    /// The output's name.
    pub reveal: String,
    /// Who learns it: `"all"`, `"each"` (party i its element i) or the parties' indices.
    pub to: OutputTo,
    /// How close it comes to one party's input.
    pub class: Class,
    /// The inputs it depends on.
    pub depends_on: Vec<Dependency>,
    /// What it is, as a noun phrase ("the mean of every party's salary").
    pub what: String,
    /// A sentence saying who learns what.
    pub text: String,
    /// Parties whose input (or a value computed from it alone) someone else learns.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exposes: Vec<Exposure>,
    /// What the other parties could work out together, where exact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pooling: Option<Pooling>,
}

/// `"all"`, `"each"` or the receiving parties' indices.
impl Serialize for OutputTo {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            OutputTo::All => s.serialize_str("all"),
            OutputTo::Each => s.serialize_str("each"),
            OutputTo::Parties(ps) => ps.serialize(s),
        }
    }
}

/// The disclosure of a whole program for a number of parties.
#[derive(Clone, Debug, Serialize)]
#[serde(transparent)]
pub struct Disclosure {
    /// One entry per reveal, in the program's order.
    pub reveals: Vec<Reveal>,
    #[serde(skip)]
    parties: usize,
    #[serde(skip)]
    roles: Vec<(String, PartyId)>,
}

impl Disclosure {
    /// The disclosure as one JSON array (`cohort check --disclosure`).
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.reveals).expect("a disclosure serialises")
    }

    /// The number of parties it was computed for.
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// "party 2", or "party 2 (seller)" for a party with a role.
    pub fn party_name(&self, party: PartyId) -> String {
        party_words(&self.roles, party)
    }

    /// Warnings for the participant who is party `me`: every reveal that
    /// lets someone learn another party's input (or a value computed from
    /// it alone), or this party's own input, other than that party.
    pub fn warnings(&self, me: PartyId) -> Vec<String> {
        self.reveals.iter().flat_map(|r| self.warnings_of(r, Some(me))).collect()
    }

    /// The warnings of one reveal, addressed to party `me` ("your salary",
    /// "you") or, with `None`, to nobody in particular.
    pub fn warnings_of(&self, r: &Reveal, me: Option<PartyId>) -> Vec<String> {
        r.exposes
            .iter()
            .map(|e| {
                let whose = if Some(e.party) == me { format!("your {}", e.input) } else { e.whose.clone() };
                let what = match e.class {
                    Class::Input => format!("{whose} itself"),
                    _ => format!("a value computed from {whose} alone"),
                };
                let to = if r.to == OutputTo::All {
                    "every party".to_string()
                } else {
                    join_and(&e.to.iter().map(|&p| if Some(p) == me { "you".into() } else { self.party_name(p) }).collect::<Vec<_>>())
                };
                format!("“{}” reveals {what} to {to}.", r.reveal)
            })
            .collect()
    }

    /// What the other parties could work out together about party `me`'s
    /// input, one sentence per reveal where it can be said exactly.
    pub fn pooled(&self, me: PartyId) -> Vec<String> {
        self.reveals.iter().filter_map(|r| self.pooled_of(r, Some(me))).collect()
    }

    /// What the other parties could work out together from one reveal:
    /// about party `me`'s input when some other party learns it, or, with
    /// `None`, about any party's when every party has another receiver.
    pub fn pooled_of(&self, r: &Reveal, me: Option<PartyId>) -> Option<String> {
        let pool = r.pooling.as_ref()?;
        let m = self.parties;
        let from = pool.of.source_words();
        match me {
            Some(me) => {
                let others_learn = match &r.to {
                    OutputTo::Parties(ps) => ps.iter().any(|&p| p != me),
                    OutputTo::All | OutputTo::Each => true,
                };
                let others = if m == 2 { "The other party".to_string() } else { format!("The other {} parties together", m - 1) };
                others_learn.then(|| format!("{others} can work out your {} from {from} (“{}”).", pool.input, r.reveal))
            }
            None => {
                let every_party_has_another = match &r.to {
                    OutputTo::Parties(ps) => ps.len() >= 2,
                    OutputTo::All | OutputTo::Each => true,
                };
                let sentence = if m == 2 {
                    format!("Each party can work out the other's {} from {from}.", pool.input)
                } else {
                    format!("Any {} parties together can work out the remaining party's {} from {from}.", m - 1, pool.input)
                };
                every_party_has_another.then_some(sentence)
            }
        }
    }
}

/// Computes the disclosure of `plan`; `roles` names parties.
pub(crate) fn analyse(plan: &Plan, roles: &[(String, PartyId)]) -> Disclosure {
    let graph = Graph::new(plan);
    let reveals = plan.outputs.iter().map(|o| graph.reveal(o, roles)).collect();
    Disclosure { reveals, parties: plan.parties, roles: roles.to_vec() }
}

// ------------------------------------------------------------------ provenance

/// Input elements an element depends on, as (input, party) pairs.
type Deps = Rc<BTreeSet<(usize, PartyId)>>;

#[derive(Clone, Debug)]
enum Elem {
    Public,
    Exact { input: usize, index: usize },
    Mixed(Deps),
}

struct Graph<'p> {
    plan: &'p Plan,
    elems: Vec<Rc<Vec<Elem>>>,
}

/// The most input elements tracked one by one; beyond this a node's elements
/// share the union of their operands' dependencies (still never understated).
const ELEMENT_BUDGET: usize = 1 << 22;

impl<'p> Graph<'p> {
    fn new(plan: &'p Plan) -> Self {
        let mut g = Graph { plan, elems: Vec::with_capacity(plan.nodes.len()) };
        let mut tracked = 0usize;
        for id in 0..plan.nodes.len() {
            let mut v = g.compute(id);
            tracked += v.len();
            if tracked > ELEMENT_BUDGET && v.len() > 1 {
                // Coarsen: every element gets the union of all.
                let u = g.union(&v);
                let n = v.len();
                v = vec![u; n];
                tracked -= n - 1;
            }
            g.elems.push(Rc::new(v));
        }
        g
    }

    fn deps_of(&self, e: &Elem) -> BTreeSet<(usize, PartyId)> {
        match e {
            Elem::Public => BTreeSet::new(),
            Elem::Exact { input, index } => BTreeSet::from([(*input, self.party_of(*input, *index))]),
            Elem::Mixed(d) => (**d).clone(),
        }
    }

    fn party_of(&self, input: usize, index: usize) -> PartyId {
        let spec = &self.plan.inputs[input];
        match &spec.owner {
            Owner::Each => index / spec.len.unwrap_or(1),
            Owner::Role { party, .. } => *party,
        }
    }

    fn mixed(&self, parts: &[&Elem]) -> Elem {
        let mut set = BTreeSet::new();
        let mut shared: Option<&Deps> = None;
        for e in parts {
            match e {
                Elem::Public => {}
                Elem::Mixed(d) if shared.is_none() && set.is_empty() => shared = Some(d),
                Elem::Mixed(d) if shared.is_some_and(|s| Rc::ptr_eq(s, d)) => {}
                other => {
                    if let Some(s) = shared.take() {
                        set.extend(s.iter().copied());
                    }
                    set.extend(self.deps_of(other));
                }
            }
        }
        if let Some(s) = shared {
            if set.is_empty() {
                return Elem::Mixed(s.clone());
            }
            set.extend(s.iter().copied());
        }
        if set.is_empty() { Elem::Public } else { Elem::Mixed(Rc::new(set)) }
    }

    fn union(&self, elems: &[Elem]) -> Elem {
        let refs: Vec<&Elem> = elems.iter().collect();
        self.mixed(&refs)
    }

    fn compute(&self, id: NodeId) -> Vec<Elem> {
        let e = |n: NodeId| &self.elems[n];
        match &self.plan.nodes[id].op {
            Op::Input(i) => {
                let n = self.input_len(*i);
                (0..n).map(|index| Elem::Exact { input: *i, index }).collect()
            }
            Op::Const { values, .. } => vec![Elem::Public; values.len()],
            Op::Random { n, .. } => vec![Elem::Public; *n],
            Op::Gather { src, indices } => indices.iter().map(|&i| e(*src)[i].clone()).collect(),
            Op::Concat(parts) => parts.iter().flat_map(|p| e(*p).iter().cloned()).collect(),
            Op::Neg(a) | Op::AddPublic(a, _) | Op::DivPublic(a, _) | Op::Shl(a, _) | Op::Map(Map::Reciprocal, a) => e(*a).as_ref().clone(),
            Op::MulPublic(a, c) => {
                if is_zero(*c) {
                    vec![Elem::Public; e(*a).len()]
                } else {
                    e(*a).as_ref().clone()
                }
            }
            Op::Map(Map::ToBits, a) => {
                // Each element becomes its bits, every one a function of it.
                let bits = self.bits_of(*a);
                e(*a).iter().flat_map(|x| std::iter::repeat_n(self.mixed(&[x]), bits)).collect()
            }
            // The same value in another type: exact unless fractional bits are rounded away.
            Op::Convert(a, to) if self.type_of(*a).is_some_and(|from| from.frac() <= to.frac()) => e(*a).as_ref().clone(),
            Op::Convert(a, _) => e(*a).iter().map(|x| self.mixed(&[x])).collect(),
            Op::FloorDiv(a, _) | Op::Mod(a, _) | Op::Shr(a, _) | Op::Pow(a, _) | Op::Trunc(a, _) | Op::Inverse(a, _) | Op::Map(_, a) => {
                e(*a).iter().map(|x| self.mixed(&[x])).collect()
            }
            Op::Add(a, b) | Op::Sub(a, b) => e(*a).iter().zip(e(*b).iter()).map(|(x, y)| self.affine_pair(x, y)).collect(),
            Op::Pair(f @ (Pair::Mul | Pair::Div), a, b) => {
                let (xa, xb) = (e(*a), e(*b));
                let consts_b = self.const_values(*b);
                let consts_a = self.const_values(*a);
                (0..xa.len())
                    .map(|k| match (&xa[k], &xb[k]) {
                        (x, Elem::Public) if consts_b.as_ref().is_some_and(|c| !is_zero(c[k])) => x.clone(),
                        (Elem::Public, y) if *f == Pair::Mul && consts_a.as_ref().is_some_and(|c| !is_zero(c[k])) => y.clone(),
                        (_, _) if *f == Pair::Mul && consts_b.as_ref().is_some_and(|c| is_zero(c[k])) => Elem::Public,
                        (x, y) => self.mixed(&[x, y]),
                    })
                    .collect()
            }
            Op::Pair(Pair::Inner | Pair::Covariance, a, b) => {
                let all: Vec<Elem> = e(*a).iter().chain(e(*b).iter()).cloned().collect();
                vec![self.union(&all)]
            }
            Op::Pair(_, a, b) => e(*a).iter().zip(e(*b).iter()).map(|(x, y)| self.mixed(&[x, y])).collect(),
            Op::Reduce { f, src, rows, len } => {
                let s = e(*src);
                (0..*rows)
                    .map(|r| {
                        let row = &s[r * len..(r + 1) * len];
                        let secret: Vec<&Elem> = row.iter().filter(|x| !matches!(x, Elem::Public)).collect();
                        match (f, secret.as_slice()) {
                            (Reduce::Sum, [one @ Elem::Exact { .. }]) => (*one).clone(),
                            _ => self.union(row),
                        }
                    })
                    .collect()
            }
            Op::ColumnSums { src, rows, cols } => {
                let s = e(*src);
                (0..*cols)
                    .map(|c| {
                        let col: Vec<Elem> = (0..*rows).map(|r| s[r * cols + c].clone()).collect();
                        let secret: Vec<&Elem> = col.iter().filter(|x| !matches!(x, Elem::Public)).collect();
                        match secret.as_slice() {
                            [one @ Elem::Exact { .. }] => (*one).clone(),
                            _ => self.union(&col),
                        }
                    })
                    .collect()
            }
            Op::IfElse(c, a, b) => (0..e(*a).len()).map(|k| self.mixed(&[&e(*c)[k], &e(*a)[k], &e(*b)[k]])).collect(),
            Op::MatMul { a, b, rows, inner, cols } => {
                let (ea, eb) = (e(*a), e(*b));
                let mut out = Vec::with_capacity(rows * cols);
                for i in 0..*rows {
                    for j in 0..*cols {
                        let mut parts: Vec<&Elem> = Vec::with_capacity(2 * inner);
                        for k in 0..*inner {
                            parts.push(&ea[i * inner + k]);
                            parts.push(&eb[k * cols + j]);
                        }
                        out.push(self.mixed(&parts));
                    }
                }
                out
            }
            Op::Sort(a) | Op::Shuffle(a) => {
                let src = e(*a);
                let u = self.union(src);
                vec![u; src.len()]
            }
            Op::Choose { src, k } => vec![self.union(e(*src)); *k],
            Op::SortByKey { src, keys, .. } | Op::ExtremeByKey { src, keys, .. } | Op::Find { src, needle: keys, .. } => {
                let all: Vec<Elem> = e(*src).iter().chain(e(*keys).iter()).cloned().collect();
                let u = self.union(&all);
                let n = match &self.plan.nodes[id].op {
                    Op::ExtremeByKey { cols, .. } => *cols,
                    Op::Find { .. } => 1,
                    _ => e(*src).len(),
                };
                vec![u; n]
            }
        }
    }

    /// `x + y` or `x - y`: an affine function of one input element stays one.
    fn affine_pair(&self, x: &Elem, y: &Elem) -> Elem {
        match (x, y) {
            (x, Elem::Public) => x.clone(),
            (Elem::Public, y) => y.clone(),
            (x, y) => self.mixed(&[x, y]),
        }
    }

    fn input_len(&self, i: usize) -> usize {
        let spec = &self.plan.inputs[i];
        let per = spec.len.unwrap_or(1);
        match spec.owner {
            Owner::Each => self.plan.parties * per,
            Owner::Role { .. } => per,
        }
    }

    /// The bit length of a node's secure type: every operation keeps its
    /// operands' type, so the nearest typed ancestor tells.
    fn bits_of(&self, id: NodeId) -> usize {
        self.type_of(id).map_or(1, |ty| ty.bits() as usize)
    }

    /// The secure type of node `id`'s values (what its first argument's is,
    /// unless the node makes values of a type of its own).
    fn type_of(&self, id: NodeId) -> Option<SecType> {
        let mut n = id;
        loop {
            match &self.plan.nodes[n].op {
                Op::Input(i) => return Some(self.plan.inputs[*i].ty),
                Op::Const { ty, .. } | Op::Random { ty, .. } | Op::Convert(_, ty) => return Some(*ty),
                op => n = *op.deps().first()?,
            }
        }
    }

    /// The public values of a constant node (through gathers), if it is one.
    fn const_values(&self, id: NodeId) -> Option<Vec<Value>> {
        match &self.plan.nodes[id].op {
            Op::Const { values, .. } => Some(values.clone()),
            Op::Gather { src, indices } => {
                let v = self.const_values(*src)?;
                Some(indices.iter().map(|&i| v[i]).collect())
            }
            _ => None,
        }
    }

    fn reveal(&self, o: &OutputSpec, roles: &[(String, PartyId)]) -> Reveal {
        let elems = &self.elems[o.node];
        let m = self.plan.parties;
        let class_of = |e: &Elem| match e {
            Elem::Public => Class::None,
            Elem::Exact { .. } => Class::Input,
            Elem::Mixed(d) => {
                let parties: BTreeSet<PartyId> = d.iter().map(|&(_, p)| p).collect();
                if parties.len() == 1 { Class::OneParty } else { Class::SeveralParties }
            }
        };
        let class = elems.iter().map(class_of).max().unwrap_or(Class::None);
        let all_deps = self.deps_of(&self.union(elems));
        let depends_on = self.dependencies(&all_deps);

        // Who learns which elements, and whose single input each exposes.
        let per_receiver: Vec<(Vec<PartyId>, std::ops::Range<usize>)> = match &o.to {
            OutputTo::All => vec![((0..m).collect(), 0..elems.len())],
            OutputTo::Parties(ps) => vec![(ps.clone(), 0..elems.len())],
            OutputTo::Each => {
                let per = elems.len() / m.max(1);
                (0..m).map(|i| (vec![i], i * per..(i + 1) * per)).collect()
            }
        };
        let mut exposes: Vec<Exposure> = Vec::new();
        for (receivers, range) in per_receiver {
            for e in &elems[range] {
                let (party, input, class) = match e {
                    Elem::Exact { input, index } => (self.party_of(*input, *index), *input, Class::Input),
                    Elem::Mixed(d) => {
                        let parties: BTreeSet<PartyId> = d.iter().map(|&(_, p)| p).collect();
                        if parties.len() != 1 {
                            continue;
                        }
                        let (input, party) = *d.iter().next().expect("nonempty");
                        (party, input, Class::OneParty)
                    }
                    Elem::Public => continue,
                };
                let others: Vec<PartyId> = receivers.iter().copied().filter(|&r| r != party).collect();
                if others.is_empty() {
                    continue;
                }
                let spec = &self.plan.inputs[input];
                let x = match exposes.iter_mut().position(|x| x.party == party && x.input == spec.name) {
                    Some(at) => &mut exposes[at],
                    None => {
                        let whose = match &spec.owner {
                            Owner::Each => format!("party {party}'s {}", spec.name),
                            Owner::Role { role, .. } => format!("the {role}'s {} (party {party})", spec.name),
                        };
                        exposes.push(Exposure { party, class, input: spec.name.clone(), whose, to: Vec::new() });
                        exposes.last_mut().expect("just pushed")
                    }
                };
                x.class = x.class.max(class);
                for r in others {
                    if !x.to.contains(&r) {
                        x.to.push(r);
                    }
                }
            }
        }
        exposes.sort_by_key(|x| x.party);

        let describer = Describer { g: self };
        let what =
            describer.phrase(o.node, 0).filter(|p| p.text.len() <= MAX_PHRASE).map_or_else(|| describer.fallback(&all_deps), |p| p.text);
        let to = o.to.clone();
        let text = match &o.to {
            OutputTo::All => format!("Every party learns {what}."),
            OutputTo::Each => format!("Each party learns only its own element of {what}."),
            OutputTo::Parties(ps) => {
                let names: Vec<String> = ps.iter().map(|&p| party_words(roles, p)).collect();
                format!("Only {} {} {what}.", join_and(&names), if ps.len() == 1 { "learns" } else { "learn" })
            }
        };
        Reveal { reveal: o.name.clone(), to, class, depends_on, what, text, exposes, pooling: self.pooling(o) }
    }

    fn dependencies(&self, deps: &BTreeSet<(usize, PartyId)>) -> Vec<Dependency> {
        let m = self.plan.parties;
        let mut out = Vec::new();
        for (i, spec) in self.plan.inputs.iter().enumerate() {
            let parties: Vec<PartyId> = deps.iter().filter(|&&(inp, _)| inp == i).map(|&(_, p)| p).collect();
            if parties.is_empty() {
                continue;
            }
            match &spec.owner {
                Owner::Role { role, .. } => out.push(Dependency { input: spec.name.clone(), party: Provider::Role(role.clone()) }),
                Owner::Each if parties.len() == m => out.push(Dependency { input: spec.name.clone(), party: Provider::Each }),
                Owner::Each => out.extend(parties.into_iter().map(|p| Dependency { input: spec.name.clone(), party: Provider::Party(p) })),
            }
        }
        out
    }

    /// A total or mean of every party's (scalar) input, revealed whole.
    fn pooling(&self, o: &OutputSpec) -> Option<Pooling> {
        let Op::Reduce { f: f @ (Reduce::Sum | Reduce::Mean), src, rows: 1, .. } = &self.plan.nodes[o.node].op else {
            return None;
        };
        let i = self.whole_input(*src)?;
        let spec = &self.plan.inputs[i];
        if spec.owner != Owner::Each || spec.len.is_some() || self.plan.parties < 2 {
            return None;
        }
        Some(Pooling { input: spec.name.clone(), of: if *f == Reduce::Sum { Pooled::Total } else { Pooled::Mean } })
    }

    /// The input a node is, whole and in order (through identity gathers).
    fn whole_input(&self, id: NodeId) -> Option<usize> {
        match &self.plan.nodes[id].op {
            Op::Input(i) => Some(*i),
            Op::Gather { src, indices } if indices.iter().enumerate().all(|(k, &i)| k == i) && indices.len() == self.elems[*src].len() => {
                self.whole_input(*src)
            }
            _ => None,
        }
    }
}

fn is_zero(v: Value) -> bool {
    match v {
        Value::Int(0) => true,
        Value::Fixed(x) => x == 0.0,
        Value::Int(_) => false,
    }
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn party_words(roles: &[(String, PartyId)], party: PartyId) -> String {
    let names: Vec<&str> = roles.iter().filter(|(_, p)| *p == party).map(|(r, _)| r.as_str()).collect();
    if names.is_empty() { format!("party {party}") } else { format!("party {party} ({})", names.join(", ")) }
}

// ------------------------------------------------------------------ descriptions

/// The longest generated description; longer ones fall back to naming the inputs.
const MAX_PHRASE: usize = 160;
/// The deepest expression described word for word.
const MAX_DEPTH: usize = 6;

struct Phrase {
    text: String,
    /// Whether the phrase needs parentheses inside another ("x plus 5").
    compound: bool,
}

fn atom(text: impl Into<String>) -> Option<Phrase> {
    Some(Phrase { text: text.into(), compound: false })
}

fn compound(text: impl Into<String>) -> Option<Phrase> {
    Some(Phrase { text: text.into(), compound: true })
}

impl Phrase {
    fn inner(&self) -> String {
        if self.compound { format!("({})", self.text) } else { self.text.clone() }
    }
}

struct Describer<'g, 'p> {
    g: &'g Graph<'p>,
}

impl Describer<'_, '_> {
    fn len(&self, id: NodeId) -> usize {
        self.g.elems[id].len()
    }

    fn input_words(&self, i: usize) -> String {
        let spec = &self.g.plan.inputs[i];
        match &spec.owner {
            Owner::Each => format!("every party's {}", spec.name),
            Owner::Role { role, .. } => format!("the {role}'s {}", spec.name),
        }
    }

    /// The input element `index` of input `i`, in words.
    fn input_element(&self, i: usize, index: usize) -> String {
        let spec = &self.g.plan.inputs[i];
        let whose = match &spec.owner {
            Owner::Each => format!("party {}'s", self.g.party_of(i, index)),
            Owner::Role { role, .. } => format!("the {role}'s"),
        };
        match spec.len {
            None => format!("{whose} {}", spec.name),
            Some(n) => format!("element {} of {whose} {}", index % n, spec.name),
        }
    }

    /// The name of the input a node is, if every party provides one number of it.
    fn each_scalar_input(&self, id: NodeId) -> Option<&str> {
        let spec = &self.g.plan.inputs[self.g.whole_input(id)?];
        (spec.owner == Owner::Each && spec.len.is_none()).then_some(spec.name.as_str())
    }

    /// "party 1's v" when `indices` pick exactly party 1's row of an input
    /// every party provides as a vector.
    fn input_row(&self, src: NodeId, indices: &[usize]) -> Option<String> {
        let i = self.g.whole_input(src)?;
        let spec = &self.g.plan.inputs[i];
        let len = spec.len?;
        if spec.owner != Owner::Each || indices.len() != len {
            return None;
        }
        let first = *indices.first()?;
        let whole_row = first % len == 0 && indices.iter().enumerate().all(|(k, &x)| x == first + k);
        whole_row.then(|| format!("party {}'s {}", first / len, spec.name))
    }

    /// One element of a node, in words.
    fn element(&self, id: NodeId, index: usize, depth: usize) -> Option<Phrase> {
        if depth > MAX_DEPTH {
            return None;
        }
        let n = self.len(id);
        match &self.g.plan.nodes[id].op {
            Op::Input(i) => atom(self.input_element(*i, index)),
            Op::Gather { src, indices } => self.element(*src, indices[index], depth + 1),
            Op::Const { values, .. } => atom(number(values[index])),
            Op::Sort(src) => {
                let which = ordinal_rank(index, n);
                if let Some(name) = self.each_scalar_input(*src) {
                    return atom(format!("the {which} {name} among the parties"));
                }
                let x = self.phrase(*src, depth + 1)?;
                atom(format!("the {which} of {}", x.inner()))
            }
            _ if n == 1 => self.phrase(id, depth),
            _ => {
                let x = self.phrase(id, depth + 1)?;
                atom(format!("element {index} of {}", x.inner()))
            }
        }
    }

    /// A whole node, in words.
    fn phrase(&self, id: NodeId, depth: usize) -> Option<Phrase> {
        if depth > MAX_DEPTH {
            return None;
        }
        let d = depth + 1;
        let p = |n: NodeId| self.phrase(n, d);
        match &self.g.plan.nodes[id].op {
            Op::Input(i) => atom(self.input_words(*i)),
            Op::Const { values, .. } => {
                let first = *values.first()?;
                if values.iter().all(|v| *v == first) { atom(number(first)) } else { None }
            }
            Op::Gather { src, indices } => {
                let n = self.len(*src);
                if indices.len() == 1 || indices.iter().all(|&i| i == indices[0]) {
                    self.element(*src, indices[0], d)
                } else if indices.len() == n && indices.iter().enumerate().all(|(k, &i)| k == i) {
                    p(*src)
                } else if let Some(row) = self.input_row(*src, indices) {
                    atom(row)
                } else if indices.len() == n && indices.iter().enumerate().all(|(k, &i)| i == n - 1 - k) {
                    atom(format!("{} in reverse order", p(*src)?.inner()))
                } else {
                    atom(format!("some elements of {}", p(*src)?.inner()))
                }
            }
            Op::Concat(parts) if parts.len() <= 3 => {
                let words: Option<Vec<String>> = parts.iter().map(|&q| p(q).map(|x| x.inner())).collect();
                compound(format!("{}, joined", join_and(&words?)))
            }
            Op::Concat(_) => None,
            Op::Add(a, b) => compound(format!("{} plus {}", p(*a)?.inner(), p(*b)?.inner())),
            Op::Sub(a, b) => compound(format!("{} minus {}", p(*a)?.inner(), p(*b)?.inner())),
            Op::Neg(a) => atom(format!("the negative of {}", p(*a)?.inner())),
            // `-x` is `0 - x`: nothing is added.
            Op::AddPublic(a, c) if is_zero(*c) => p(*a),
            Op::AddPublic(a, c) => {
                let x = p(*a)?.inner();
                if c.as_f64() < 0.0 {
                    compound(format!("{x} minus {}", number(negate(*c))))
                } else {
                    compound(format!("{x} plus {}", number(*c)))
                }
            }
            Op::MulPublic(a, c) => compound(format!("{} times {}", number(*c), p(*a)?.inner())),
            Op::DivPublic(a, c) => compound(format!("{} divided by {}", p(*a)?.inner(), number(*c))),
            Op::FloorDiv(a, c) => compound(format!("{} divided by {}, rounded down", p(*a)?.inner(), number(*c))),
            Op::Mod(a, c) => atom(format!("the remainder of {} divided by {}", p(*a)?.inner(), number(*c))),
            Op::Shl(a, k) => compound(format!("{} times 2^{k}", p(*a)?.inner())),
            Op::Shr(a, k) => compound(format!("{} divided by 2^{k}, rounded down", p(*a)?.inner())),
            Op::Pow(a, k) => compound(format!("{} to the power {k}", p(*a)?.inner())),
            Op::Trunc(a, f) => compound(format!("{} divided by 2^{f}, rounded at random", p(*a)?.inner())),
            Op::Inverse(a, n) => atom(format!("the inverse of {} modulo {n}", p(*a)?.inner())),
            Op::Convert(a, ty) => {
                // The same number in another type, except where a field wraps it
                // or fewer fractional bits round it (at random, as MPyC's trunc).
                let x = p(*a)?;
                let from_frac = self.g.type_of(*a).map_or(0, |t| t.frac());
                match ty.kind() {
                    Kind::Fld => atom(format!("the remainder of {} divided by {}", x.inner(), ty.field().modulus())),
                    _ if from_frac > ty.frac() && ty.frac() == 0 => compound(format!("{}, rounded to a whole number at random", x.inner())),
                    _ if from_frac > ty.frac() => {
                        compound(format!("{}, rounded at random to {} binary digits after the point", x.inner(), ty.frac()))
                    }
                    _ => Some(x),
                }
            }
            Op::Pair(f, a, b) => {
                let (x, y) = (p(*a)?.inner(), p(*b)?.inner());
                match f {
                    Pair::Mul => compound(format!("{x} times {y}")),
                    Pair::Div => compound(format!("{x} divided by {y}")),
                    Pair::Lt => compound(format!("whether {x} is below {y}")),
                    Pair::Le => compound(format!("whether {x} is at most {y}")),
                    Pair::Gt => compound(format!("whether {x} is above {y}")),
                    Pair::Ge => compound(format!("whether {x} is at least {y}")),
                    Pair::Eq => compound(format!("whether {x} equals {y}")),
                    Pair::Ne => compound(format!("whether {x} differs from {y}")),
                    Pair::MinPairwise => atom(format!("the smaller of {x} and {y}")),
                    Pair::MaxPairwise => atom(format!("the larger of {x} and {y}")),
                    Pair::Inner => atom(format!("the inner product of {x} and {y}")),
                    Pair::Covariance => atom(format!("the covariance of {x} and {y}")),
                    Pair::Gcd => atom(format!("the greatest common divisor of {x} and {y}")),
                    Pair::Lcm => atom(format!("the least common multiple of {x} and {y}")),
                }
            }
            Op::Map(f, a) => {
                let x = p(*a)?.inner();
                match f {
                    Map::Abs => atom(format!("the absolute value of {x}")),
                    Map::Sign => atom(format!("the sign of {x}")),
                    Map::IsZero => compound(format!("whether {x} is zero")),
                    Map::Reciprocal => compound(format!("1 divided by {x}")),
                    Map::Sqrt => atom(format!("the square root of {x}")),
                    Map::ToBits => atom(format!("the bits of {x}")),
                }
            }
            Op::Reduce { f, src, rows, .. } => {
                if let (Some(name), 1) = (self.each_scalar_input(*src), *rows) {
                    match f {
                        Reduce::Argmax => return compound(format!("which party has the largest {name} (the first on a tie)")),
                        Reduce::Argmin => return compound(format!("which party has the smallest {name} (the first on a tie)")),
                        Reduce::Max => return atom(format!("the largest {name} among the parties")),
                        Reduce::Min => return atom(format!("the smallest {name} among the parties")),
                        Reduce::Mode => return atom(format!("the most common {name} among the parties (the smallest on a tie)")),
                        Reduce::All => return compound(format!("whether every party's {name} is 1")),
                        Reduce::Any => return compound(format!("whether any party's {name} is 1")),
                        _ => {}
                    }
                }
                let x = p(*src)?.inner();
                let what = match f {
                    Reduce::Sum => format!("the sum of {x}"),
                    Reduce::Prod => format!("the product of {x}"),
                    Reduce::Min => format!("the smallest element of {x}"),
                    Reduce::Max => format!("the largest element of {x}"),
                    Reduce::Argmin => format!("the position of the smallest element of {x}"),
                    Reduce::Argmax => format!("the position of the largest element of {x}"),
                    Reduce::All => format!("whether all of {x} are 1"),
                    Reduce::Any => format!("whether any of {x} is 1"),
                    Reduce::Mean => format!("the mean of {x}"),
                    Reduce::Variance => format!("the sample variance of {x}"),
                    Reduce::Pvariance => format!("the population variance of {x}"),
                    Reduce::Stdev => format!("the sample standard deviation of {x}"),
                    Reduce::Median => format!("the median of {x}"),
                    Reduce::Mode => format!("the most common value in {x} (the smallest on a tie)"),
                    Reduce::FromBits => format!("the number whose bits are {x}"),
                };
                if *rows == 1 { atom(what) } else { atom(format!("for each row, {what}")) }
            }
            Op::ColumnSums { src, .. } => atom(format!("the column sums of {}", p(*src)?.inner())),
            Op::IfElse(c, a, b) => {
                let cond = p(*c)?;
                let cond = cond.text.strip_prefix("whether ").map_or_else(|| cond.inner(), str::to_string);
                compound(format!("{} if {cond}, otherwise {}", p(*a)?.inner(), p(*b)?.inner()))
            }
            Op::MatMul { a, b, .. } => atom(format!("the matrix product of {} and {}", p(*a)?.inner(), p(*b)?.inner())),
            Op::Sort(a) => compound(format!("{}, sorted from smallest to largest", p(*a)?.inner())),
            Op::Shuffle(a) => compound(format!("{} in a secret random order", p(*a)?.inner())),
            Op::SortByKey { src, keys, .. } => {
                compound(format!("{}, ordered by {} from smallest to largest", p(*src)?.inner(), p(*keys)?.inner()))
            }
            Op::ExtremeByKey { src, keys, cols, max } => atom(format!(
                "the {} of {} where {} is {} (the first on a tie)",
                if *cols == 1 { "element" } else { "row" },
                p(*src)?.inner(),
                p(*keys)?.inner(),
                if *max { "largest" } else { "smallest" }
            )),
            Op::Find { src, needle, not_found } => {
                let none = not_found.unwrap_or(self.len(*src) as i128);
                if let Some(name) = self.each_scalar_input(*src) {
                    return compound(format!("which party is the first whose {name} equals {} ({none} if none does)", p(*needle)?.inner()));
                }
                compound(format!(
                    "the position of the first element of {} equal to {} ({none} if there is none)",
                    p(*src)?.inner(),
                    p(*needle)?.inner()
                ))
            }
            Op::Choose { src, k: 1 } => atom(format!("an element of {} chosen at random", p(*src)?.inner())),
            Op::Choose { src, k } => atom(format!("{k} elements of {} chosen at random (no element twice)", p(*src)?.inner())),
            Op::Random { f, n, .. } => match f {
                Random::Int { lo, hi } if *n == 1 => atom(format!("a random whole number from {lo} to {}", hi - 1)),
                Random::Int { lo, hi } => atom(format!("{n} random whole numbers from {lo} to {}", hi - 1)),
                Random::Bits => atom(format!("{n} random bits")),
                Random::Uniform { a, b } if *n == 1 => atom(format!("a random number between {} and {}", number(*a), number(*b))),
                Random::Uniform { a, b } => atom(format!("{n} random numbers between {} and {}", number(*a), number(*b))),
                Random::Permutation => atom(format!("a random ordering of the numbers 0 to {}", n.saturating_sub(1))),
                Random::Derangement => {
                    atom(format!("a random ordering of the numbers 0 to {} in which no number keeps its place", n.saturating_sub(1)))
                }
            },
        }
    }

    /// "a value computed from every party's salary and the seller's reserve",
    /// or "a value that depends on no one's input".
    fn fallback(&self, deps: &BTreeSet<(usize, PartyId)>) -> String {
        let m = self.g.plan.parties;
        let mut parts = Vec::new();
        for (i, spec) in self.g.plan.inputs.iter().enumerate() {
            let parties: Vec<PartyId> = deps.iter().filter(|&&(inp, _)| inp == i).map(|&(_, p)| p).collect();
            if parties.is_empty() {
                continue;
            }
            parts.push(match &spec.owner {
                Owner::Role { .. } => self.input_words(i),
                Owner::Each if parties.len() == m => self.input_words(i),
                Owner::Each => {
                    let who: Vec<String> = parties.iter().map(|&p| format!("party {p}'s")).collect();
                    format!("{} {}", join_and(&who), spec.name)
                }
            });
        }
        if parts.is_empty() {
            "a value that depends on no one's input".into()
        } else {
            format!("a value computed from {}", join_and(&parts))
        }
    }
}

fn number(v: Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::Fixed(x) => cohort_text::display_f64(x),
    }
}

fn negate(v: Value) -> Value {
    match v {
        Value::Int(i) => Value::Int(-i),
        Value::Fixed(x) => Value::Fixed(-x),
    }
}

/// "smallest", "2nd smallest", …, "2nd largest", "largest" for position
/// `k` of `n` in ascending order.
fn ordinal_rank(k: usize, n: usize) -> String {
    let ord = |i: usize| match i {
        1 => String::new(),
        2 => "2nd ".into(),
        3 => "3rd ".into(),
        i => format!("{i}th "),
    };
    if 2 * k < n.saturating_sub(1) { format!("{}smallest", ord(k + 1)) } else { format!("{}largest", ord(n - k)) }
}
