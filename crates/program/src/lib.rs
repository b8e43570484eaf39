//! Cohort's program language: what a page asks participants to run, and
//! what each of them approves.
//!
//! ```text
//!  ast      the syntax tree
//!  json     its JSON form, read and written by hand
//!  lexer, parser   the text syntax (Python-like layout), errors with line and column
//!  print    the canonical text, which the program hash is taken over
//!  check    type checking and elaboration for m parties into a Plan
//!  plan     the dataflow graph of engine operations, shapes and types resolved
//!  planned  a plan with the program's name and hash, and its bytes (the
//!           extension's background hands it to the session host that runs it)
//!  exec     one party runs a Plan on the engine
//!  rounds   how many rounds a Plan takes, before it runs: a dry run of every party on placeholder inputs
//!  disclosure  what each reveal discloses, traced through the Plan: receivers,
//!           class, the inputs it depends on, a generated description, warnings
//!  render   the approval's text: privacy, who inputs what, and the disclosure in words
//! ```
//!
//! A program declares its name, how many parties it allows, its inputs
//! (from every party or from one named role) and every value it reveals,
//! with the receivers. Values are secret (`secint`, `secfxp`, `secfld`
//! scalars, vectors and matrices) or public (numbers, `parties`, loop
//! variables). Public values, loops and `if`s are computed before the run,
//! so a checked program always performs the same operations; secret values
//! leave the computation only through its `reveal` statements.
//!
//! ```
//! use cohort_program::CheckedProgram;
//!
//! let program = CheckedProgram::parse(r#"
//! program "Average salary"
//! parties 3 or more
//!
//! input salary: secint(32) from each typed   # every party types its own
//! reveal total = sum(salary) to all
//! reveal average = mean(salary) to all
//! "#).unwrap();
//! assert_eq!(program.parties(), 3..=cohort_mpc::MAX_PARTIES);
//! assert!(program.render().contains("salary"));
//! // What `average` discloses, computed from the program, not from its name:
//! let disclosure = program.disclosure(3).unwrap();
//! assert_eq!(disclosure.reveals[1].what, "the mean of every party's salary");
//! assert_eq!(disclosure.reveals[1].class, cohort_program::Class::SeveralParties);
//! ```
//!
//! The hash of a program is SHA-256 over `cohort-program-v1\n` followed by
//! its canonical text: comments and layout do not change it; any change to
//! the tree does. Parties refuse to run with a peer whose hash differs.

mod ast;
mod check;
mod disclosure;
mod error;
mod exec;
mod hello;
mod json;
mod lexer;
mod parser;
mod plan;
mod planned;
mod print;
mod render;
mod rounds;
mod values;

use core::ops::RangeInclusive;

use sha2::{Digest, Sha256};

pub use ast::*;
pub use check::{MAX_ELEMENTS, MAX_NODES, MAX_STORED, OPERATIONS, describe_range};
pub use cohort_text::hidden_character;
pub use disclosure::{Class, Dependency, Disclosure, Exposure, Pooled, Pooling, Provider, Reveal};
pub use error::{Error, ErrorCode, Result};
pub use exec::{Outputs, PartyInputs, RunError, describe_input, run, session_program};
pub use hello::{HELLO_LEN, HelloError, agree};
pub use lexer::MAX_SOURCE_LEN;
pub use parser::KEYWORDS;
pub use plan::{InputSpec, OutputSpec, OutputTo, Owner, Plan};
pub use planned::{MAX_PLAN_BYTES, PlanBytesError, PlannedProgram};
pub use render::{class_words, privacy_words};
pub use rounds::PlannedRounds;
#[cfg(feature = "exact-json")]
pub use values::read_exact_json;
pub use values::{MAX_NUMBER_LEN, MAX_SAFE_INTEGER, decimal};

/// Domain separation for program hashes.
const HASH_DOMAIN: &[u8] = b"cohort-program-v1\n";

/// A program that parses and type-checks for every number of parties it allows.
#[derive(Clone, Debug)]
pub struct CheckedProgram {
    ast: Program,
    canonical: String,
    hash: [u8; 32],
    parties: RangeInclusive<usize>,
}

impl CheckedProgram {
    /// Parses and checks a program in the text syntax.
    pub fn parse(src: &str) -> Result<Self> {
        Self::check(parser::parse(src)?)
    }

    /// Reads and checks a program in the JSON syntax. It must be exactly a
    /// tree the text syntax can express (so that its canonical text parses
    /// back to it); errors then refer to lines of the canonical text.
    pub fn from_json(json: &str) -> Result<Self> {
        if json.len() > MAX_SOURCE_LEN {
            return Err(Error::general(format!("the program is {} bytes long; the limit is {MAX_SOURCE_LEN}", json.len())));
        }
        let tree = json::read(json)?;
        // The text parser refuses such a range itself; say why rather than "cannot be written as text".
        check::party_range(&tree)?;
        let text = print::canonical(&tree);
        let reparsed = parser::parse(&text).map_err(|e| Error::general(format!("the JSON program cannot be written as text: {e}")))?;
        if reparsed != tree {
            return Err(Error::general(
                "the JSON program cannot be written as text (write negative numbers as a `neg` of a positive number)",
            ));
        }
        Self::check(reparsed)
    }

    /// Reads a program in either syntax: JSON if it starts with `{`.
    pub fn load(src: &str) -> Result<Self> {
        if src.trim_start().starts_with('{') { Self::from_json(src) } else { Self::parse(src) }
    }

    fn check(ast: Program) -> Result<Self> {
        let (lo, hi) = check::party_range(&ast)?;
        for m in lo..=hi {
            check::elaborate(&ast, m)
                .map_err(|e| if lo == hi { e } else { Error { message: format!("with {m} parties: {}", e.message), ..e } })?;
        }
        let canonical = print::canonical(&ast);
        let hash = Sha256::new().chain_update(HASH_DOMAIN).chain_update(canonical.as_bytes()).finalize().into();
        Ok(CheckedProgram { ast, canonical, hash, parties: lo..=hi })
    }

    /// The syntax tree.
    pub fn ast(&self) -> &Program {
        &self.ast
    }

    /// The program's name.
    pub fn name(&self) -> &str {
        &self.ast.name
    }

    /// The JSON syntax of the program.
    pub fn to_json(&self) -> String {
        json::write(&self.ast)
    }

    /// The canonical text.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// SHA-256 of the canonical text (with a domain prefix).
    pub fn hash(&self) -> [u8; 32] {
        self.hash
    }

    /// The hash in lowercase hexadecimal.
    pub fn hash_hex(&self) -> String {
        hex(&self.hash)
    }

    /// The numbers of parties the program allows.
    pub fn parties(&self) -> RangeInclusive<usize> {
        self.parties.clone()
    }

    /// The program unrolled for `m` parties.
    pub fn plan(&self, m: usize) -> Result<Plan> {
        check::elaborate(&self.ast, m)
    }

    /// The program planned for `m` parties, with its name and hash: what a
    /// party of a session of `m` runs.
    pub fn planned(&self, m: usize) -> Result<PlannedProgram> {
        Ok(PlannedProgram::new(self.name().to_string(), self.hash, self.plan(m)?))
    }

    /// What each reveal discloses with `m` parties: receivers, a plain
    /// description, the inputs it depends on and its [`Class`].
    pub fn disclosure(&self, m: usize) -> Result<Disclosure> {
        Ok(disclosure::analyse(&self.plan(m)?, &self.roles()))
    }

    /// The declared roles with their parties, in order.
    pub fn roles(&self) -> Vec<(String, usize)> {
        self.ast
            .body
            .iter()
            .filter_map(|s| match &s.kind {
                StmtKind::Role { name, party } => Some((name.clone(), *party as usize)),
                _ => None,
            })
            .collect()
    }

    /// The description shown for approval, for the default session: the
    /// fewest parties the program allows, but 3 when it allows 2 and more
    /// (with 2 the threshold is 0 and nothing stays private), with the
    /// default threshold.
    pub fn render(&self) -> String {
        let m = self.default_parties();
        self.render_for(m, cohort_mpc::default_threshold(m)).expect("a checked program elaborates for the parties it allows")
    }

    /// The description shown for approval of a session of `m` parties with
    /// threshold `t`: the name, the party count, the hash, the privacy the
    /// threshold gives, who inputs what, and what each reveal discloses.
    pub fn render_for(&self, m: usize, t: usize) -> Result<String> {
        render::render(self, m, t)
    }

    /// The number of parties a session runs with unless told otherwise: the
    /// fewest allowed, but at least 3 where the program allows it.
    pub fn default_parties(&self) -> usize {
        let (lo, hi) = (*self.parties.start(), *self.parties.end());
        if lo < 3 && hi >= 3 { 3 } else { lo }
    }
}

/// `bytes` in lowercase hexadecimal.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
