//! Sharing, opening, multiplication and shared randomness.

use crate::field::{Arith, Fe, Field, with_arith};
use crate::keystream::KeyStream;
use crate::runtime::{MAX_PARTIES, PARTY_IDS, Receivers, Runtime, accumulate_from, misbehaved};
use crate::{Error, PartyId, Result, shamir};

impl Runtime {
    /// Shares `values` held by `owner` (others pass `None`): one round
    /// ([`Runtime::share_out`]).
    pub(crate) async fn input_raw(&self, field: &Field, owner: PartyId, values: Option<&[Fe]>, n: usize) -> Result<Vec<Fe>> {
        let (m, me) = (self.parties(), self.id());
        if owner >= m {
            return Err(Error::InvalidArgument(format!("input owner {owner} is not a party (there are {m})")));
        }
        let values = match values {
            Some(v) if me == owner && v.len() != n => {
                return Err(Error::InvalidArgument(format!("{} input values given, {n} expected", v.len())));
            }
            None if me == owner => return Err(Error::InvalidArgument("the input owner must give its values".into())),
            _ => values.unwrap_or_default(),
        };
        let mut shares = Vec::new();
        let mut derived = Vec::new();
        let exchange = self.exchange_all(self.flow_dealt_by(|d| d == owner), |bufs| {
            derived = self.derived_shares(field, core::iter::once((owner, n)));
            if me == owner {
                shares = self.share_out(field, Secrets::Values(values), bufs);
            }
        });
        let incoming = exchange.await?;
        if me == owner {
            return Ok(shares);
        }
        if let Some((_, drawn)) = derived.pop() {
            return Ok(drawn);
        }
        let shares = field.decode(incoming.from(owner)).ok_or_else(|| misbehaved(owner, "malformed field elements"))?;
        expect_len(owner, &shares, n)?;
        Ok(shares)
    }

    /// Opens shares of degree `degree` to `receivers`, as MPyC does: each
    /// party sends its shares to the receivers among its `degree` cyclic
    /// successors, and receiver `q` interpolates from parties
    /// `q − degree, …, q` (mod m). Balanced: every party sends to at most
    /// `degree` parties. One round. Returns the values at receivers, `None`
    /// elsewhere.
    pub(crate) async fn open_raw(&self, field: &Field, x: &[Fe], receivers: &Receivers, degree: usize) -> Result<Option<Vec<Fe>>> {
        let (m, me) = (self.parties(), self.id());
        // Party a sends to party b when b is a receiver among a's successors.
        let flow = self.flow(|a, b| (1..=degree).contains(&((b + m - a) % m)) && receivers.contains(b));
        let incoming = self.exchange_with(flow, |_, buf| field.encode(x, buf)).await?;
        if !receivers.contains(me) {
            return Ok(None);
        }
        let senders: Vec<usize> = (0..=degree).map(|k| (me + m - degree + k) % m).collect();
        Ok(Some(self.interpolate_wire(field, &senders, &[(me, x)], &incoming, x.len())?))
    }

    /// Opens degree-`t` shares to every party.
    pub(crate) async fn open_all(&self, field: &Field, x: &[Fe]) -> Result<Vec<Fe>> {
        let opened = self.open_raw(field, x, &Receivers::All, self.threshold()).await?;
        opened.ok_or_else(|| Error::Internal("open to all returned nothing".into()))
    }

    /// Brings degree-`2t` shares back to degree `t`: parties `0..=2t` reshare
    /// with fresh polynomials and everyone interpolates. One round.
    pub(crate) async fn reshare(&self, field: &Field, x: Vec<Fe>) -> Result<Vec<Fe>> {
        if self.threshold() == 0 {
            return Ok(x);
        }
        self.reshare_from(field, Secrets::Values(&x)).await
    }

    /// Elementwise products of shares: one round.
    pub(crate) async fn mul_raw(&self, field: &Field, a: &[Fe], b: &[Fe]) -> Result<Vec<Fe>> {
        same_len(a, b)?;
        if self.threshold() == 0 {
            return Ok(with_arith!(field, |ar| a.iter().zip(b).map(|(&x, &y)| ar.mul(x, y)).collect()));
        }
        self.reshare_from(field, Secrets::Products(a, b)).await
    }

    /// The products `x[2k]·x[2k + 1]` of adjacent shared values (an even
    /// number of them): [`Runtime::mul_raw`] of the even- and odd-indexed
    /// values, without first copying them apart. One round.
    pub(crate) async fn mul_pairs_raw(&self, field: &Field, x: &[Fe]) -> Result<Vec<Fe>> {
        if !x.len().is_multiple_of(2) {
            return Err(Error::Internal("products of adjacent pairs of an odd number of values".into()));
        }
        if self.threshold() == 0 {
            return Ok(with_arith!(field, |ar| x.chunks_exact(2).map(|p| ar.mul(p[0], p[1])).collect()));
        }
        self.reshare_from(field, Secrets::Pairs(x)).await
    }

    /// Reshares degree-2t values (one round): parties `0..=2t` each share
    /// their value afresh ([`Runtime::share_out`]), and everyone
    /// interpolates.
    async fn reshare_from(&self, field: &Field, values: Secrets<'_>) -> Result<Vec<Fe>> {
        let (me, t) = (self.id(), self.threshold());
        if t == 1 && self.has_pair_streams() {
            return self.reshare_summing(field, values).await;
        }
        let n = values.len();
        let mut mine = Vec::new();
        let mut derived = Vec::new();
        let senders = &PARTY_IDS[..=2 * t];
        let lambdas = self.lambdas(field, senders);
        // Where the Lagrange coefficients are not small integers (t ≥ 2),
        // each dealer shares λ_me·v rather than v, so that receivers add
        // the sharings instead of weighting each: one product per value at
        // the dealer instead of 2t + 1 at every party.
        let folded = matches!(lambdas.first(), Some(shamir::Lambda::Field(_)));
        let scale = match lambdas.get(me) {
            Some(&shamir::Lambda::Field(l)) => Some(l),
            _ => None,
        };
        let exchange = self.exchange_all(self.flow_dealt_by(|d| d <= 2 * t), |bufs| {
            derived = self.derived_shares(field, (0..=2 * t).map(|s| (s, n)));
            if me <= 2 * t {
                mine = self.share_out(field, values.scaled(scale), bufs);
            }
        });
        let incoming = exchange.await?;
        let mut held: Vec<(PartyId, &[Fe])> = derived.iter().map(|(s, v)| (*s, v.as_slice())).collect();
        if me <= 2 * t {
            held.push((me, &mine));
        }
        let weights = if folded { vec![shamir::Lambda::Small(1); senders.len()].into() } else { lambdas };
        self.combine_wire(field, senders, &weights, &held, &incoming, n)
    }

    /// [`Runtime::reshare_from`] at threshold 1 with pair keys, summing as it
    /// goes: the share drawn from the predecessor's stream and this party's
    /// own share go straight into the Lagrange sum, a block at a time, as
    /// the step is registered, and the one sender whose share arrives is
    /// added from its bytes. The same draws, messages and result, without a
    /// vector for each sender's shares.
    async fn reshare_summing(&self, field: &Field, values: Secrets<'_>) -> Result<Vec<Fe>> {
        let (m, me, n) = (self.parties(), self.id(), values.len());
        // The parties that reshare, 0..=2t.
        let senders = &PARTY_IDS[..=2];
        let lambdas = self.lambdas(field, senders);
        let predecessor = (me + m - 1) % m;
        let derives = senders.contains(&predecessor);
        let mut sums: Vec<Fe> = Vec::with_capacity(n);
        // Adds λ·block to the sums at `start` (the blocks of each source come
        // in order, so a block past the end starts them).
        let add = |sums: &mut Vec<Fe>, start: usize, lambda: shamir::Lambda, block: &[Fe]| {
            if sums.len() == start {
                sums.extend(shamir::scaled(field, lambda, block));
            } else {
                shamir::accumulate(field, lambda, &mut sums[start..start + block.len()], block.iter().copied());
            }
        };
        let exchange = self.exchange_all(self.flow_dealt_by(|d| d <= 2), |bufs| {
            if derives {
                self.with_pair_stream(predecessor, |stream| {
                    field.draw_blocks(stream, n, field.modulus(), &mut |start, block| add(&mut sums, start, lambdas[predecessor], block));
                });
            }
            if me <= 2 {
                self.share_out_into(field, values, bufs, &mut |start, block| add(&mut sums, start, lambdas[me], block));
            }
        });
        let incoming = exchange.await?;
        sums.resize(n, field.zero());
        for &j in senders.iter().filter(|&&j| j != me && !(derives && j == predecessor)) {
            accumulate_from(field, j, lambdas[j], &mut sums, incoming.from(j))?;
        }
        Ok(sums)
    }

    /// Shares each secret with a fresh polynomial of degree `t`, writing the
    /// other parties' shares into their messages (`bufs`) and returning this
    /// party's own. A polynomial is fixed by its secret and its values at
    /// this party's `t` cyclic successors, which are drawn at random. With
    /// pair keys (set up with PRSS), this party and each successor draw
    /// that value from the key stream only they share, so it is not sent
    /// (the successor draws it in [`Runtime::derived_shares`]): `m − 1 − t`
    /// shares a secret go out, not `m − 1`. Those values are uniform and
    /// independent of the secret, as any `t` shares of a fresh polynomial
    /// are, whether sent or drawn. Call it when the step is registered, so
    /// that both draw in the same order.
    fn share_out(&self, field: &Field, secrets: Secrets<'_>, bufs: &mut [Vec<u8>]) -> Vec<Fe> {
        let mut mine = Vec::with_capacity(secrets.len());
        self.share_out_into(field, secrets, bufs, &mut |_, own| mine.extend_from_slice(own));
        mine
    }

    /// [`Runtime::share_out`], handing this party's own shares to `own`
    /// (`own(k, block)` for shares `k..k + block.len()`, in order) rather
    /// than returning them.
    fn share_out_into(&self, field: &Field, secrets: Secrets<'_>, bufs: &mut [Vec<u8>], own: &mut dyn FnMut(usize, &[Fe])) {
        let (m, me, t) = (self.parties(), self.id(), self.threshold());
        let n = secrets.len();
        let derive = self.has_pair_streams();
        let succ = (1..=t).map(|k| (me + k) % m);
        // The parties whose shares are computed here (all but the successors
        // that draw theirs).
        let mut keep = [false; MAX_PARTIES];
        for j in (0..m).filter(|&j| !(derive && self.is_successor(me, j))) {
            keep[j] = true;
            if j != me {
                bufs[j].reserve(n * field.byte_len());
            }
        }
        if let (1, Some(successor)) = (t, succ.clone().next()) {
            // f(x) = v + c·x with c = (y − v)/x_s for the successor s. The
            // successor's values are drawn block by block as the shares are
            // made: from the stream shared with the successor (who draws the
            // same), or from this party's own.
            let mut line = |rng: &mut KeyStream| self.share_out_line(field, secrets, rng, &keep, bufs, own);
            if !(derive && self.with_pair_stream(successor, &mut line).is_some()) {
                self.with_rng(line);
            }
            return;
        }
        // The polynomial through (0, secret) and (x_j, y_j) for the
        // successors j, at every party's point.
        let rows = self.successor_basis(field);
        // The successors' values, drawn in bulk: from the stream shared
        // with each successor (who draws the same), or from this party's own.
        let drawn: Vec<Vec<Fe>> = succ
            .map(|j| {
                let shared = if derive { self.with_pair_stream(j, |stream| field.random_vec(stream, n)) } else { None };
                shared.unwrap_or_else(|| self.with_rng(|rng| field.random_vec(rng, n)))
            })
            .collect();
        own(0, &self.share_out_blocks(field, secrets, &drawn, &rows, &keep, bufs));
    }

    /// [`Runtime::share_out`] for `t ≥ 2`: `f(x) = v + Σ_j L_j(x)·(y_j − v)`
    /// over the successors `j` (the basis sums to 1), a block of secrets at
    /// a time: the differences `y_j − v` once per block, then for each
    /// party whose share is computed here a branch-free pass over the block.
    /// Returns this party's shares.
    fn share_out_blocks(
        &self,
        field: &Field,
        secrets: Secrets<'_>,
        drawn: &[Vec<Fe>],
        rows: &[Vec<Fe>],
        keep: &[bool; MAX_PARTIES],
        bufs: &mut [Vec<u8>],
    ) -> Vec<Fe> {
        const BLOCK: usize = 256;
        let (m, me, n) = (self.parties(), self.id(), secrets.len());
        let width = n.min(BLOCK);
        let mut mine = Vec::with_capacity(n);
        with_arith!(field, |ar| {
            let (mut v, mut y) = (vec![field.zero(); width], vec![field.zero(); width]);
            let mut differences = vec![vec![field.zero(); width]; drawn.len()];
            for start in (0..n).step_by(BLOCK) {
                let len = (n - start).min(BLOCK);
                let (v, y) = (&mut v[..len], &mut y[..len]);
                secrets.fill(ar, start, v);
                for (difference, d) in differences.iter_mut().zip(drawn) {
                    for ((out, &dk), &vk) in difference[..len].iter_mut().zip(&d[start..start + len]).zip(v.iter()) {
                        *out = ar.sub(dk, vk);
                    }
                }
                for j in (0..m).filter(|&j| keep[j]) {
                    y.copy_from_slice(v);
                    for (&l, difference) in rows[j][1..].iter().zip(&differences) {
                        for (y, &d) in y.iter_mut().zip(&difference[..len]) {
                            *y = ar.add(*y, ar.mul(l, d));
                        }
                    }
                    if j == me {
                        mine.extend_from_slice(y);
                    } else {
                        field.encode(y, &mut bufs[j]);
                    }
                }
            }
        });
        mine
    }

    /// [`Runtime::share_out`] for `t = 1`: `f(x) = v + c·x` with
    /// `c = (y − v)/x_s` for the successor's value `y`, drawn from `rng`,
    /// evaluated at the parties' points `1..=m` by a running sum (one
    /// product gives every party's share), a block of draws at a time
    /// (branch-free loops over the block for each party). Hands this
    /// party's shares to `own`, a block at a time.
    fn share_out_line(
        &self,
        field: &Field,
        secrets: Secrets<'_>,
        rng: &mut KeyStream,
        keep: &[bool; MAX_PARTIES],
        bufs: &mut [Vec<u8>],
        own: &mut dyn FnMut(usize, &[Fe]),
    ) {
        let (m, me, n) = (self.parties(), self.id(), secrets.len());
        let last = (0..m).rev().find(|&j| keep[j]).unwrap_or(0);
        // Party 0's point is 1, so its row of the successor basis holds 1/x_s.
        let inverse_point = self.successor_basis(field)[0][1];
        with_arith!(field, |ar| {
            // Sized to the work: a one-element product (a chain's round) should not clear a block.
            let width = n.min(Field::DRAW_BLOCK);
            let (mut y, mut c) = (vec![field.zero(); width], vec![field.zero(); width]);
            field.draw_blocks(rng, n, field.modulus(), &mut |start, drawn| {
                let len = drawn.len();
                let (y, c) = (&mut y[..len], &mut c[..len]);
                secrets.fill(ar, start, y);
                for ((c, &v), &d) in c.iter_mut().zip(y.iter()).zip(drawn) {
                    *c = ar.mul(ar.sub(d, v), inverse_point);
                }
                for j in 0..=last {
                    y.iter_mut().zip(c.iter()).for_each(|(y, &c)| *y = ar.add(*y, c));
                    if j == me {
                        own(start, y);
                    } else if keep[j] {
                        field.encode(y, &mut bufs[j]);
                    }
                }
            });
        });
    }

    /// The shares this party draws rather than receives, as a successor of
    /// dealers sharing with [`Runtime::share_out`]: for each `(dealer, n)`
    /// whose successor this party is, `n` draws from the pair stream with
    /// the dealer. None without pair keys. Call it when the step is
    /// registered, as the dealers call `share_out`.
    fn derived_shares(&self, field: &Field, dealers: impl Iterator<Item = (PartyId, usize)>) -> Vec<(PartyId, Vec<Fe>)> {
        let me = self.id();
        if !self.has_pair_streams() {
            return Vec::new();
        }
        dealers
            .filter(|&(d, _)| self.is_successor(d, me))
            .map(|(d, n)| {
                let drawn = self.with_pair_stream(d, |stream| field.random_vec(stream, n));
                (d, drawn.expect("pair streams are set up"))
            })
            .collect()
    }

    /// Inner products of pairs of share vectors, all in one round.
    pub(crate) async fn inner_raw(&self, field: &Field, pairs: &[(&[Fe], &[Fe])]) -> Result<Vec<Fe>> {
        let mut sums = Vec::with_capacity(pairs.len());
        for (a, b) in pairs {
            same_len(a, b)?;
            sums.push(a.iter().zip(b.iter()).fold(field.zero(), |s, (&x, &y)| field.add(s, field.mul(x, y))));
        }
        self.reshare(field, sums).await
    }

    /// The product of each row of `width` factors, the rows one after
    /// another in `factors`, by a balanced tree: ⌈log2 width⌉ rounds.
    pub(crate) async fn prod_rows(&self, field: &Field, mut factors: Vec<Fe>, mut width: usize) -> Result<Vec<Fe>> {
        if width == 0 || !factors.len().is_multiple_of(width) {
            return Err(Error::Internal("a product of rows given rows of unequal length".into()));
        }
        while width > 1 && !factors.is_empty() {
            let (half, odd) = (width / 2, width % 2 == 1);
            if !odd {
                // The rows' pairs are the vector's adjacent pairs.
                factors = self.mul_pairs_raw(field, &factors).await?;
                width = half;
                continue;
            }
            let pairs = factors.len() / width * half;
            let (mut left, mut right) = (Vec::with_capacity(pairs), Vec::with_capacity(pairs));
            for row in factors.chunks_exact(width) {
                for pair in row.chunks_exact(2) {
                    left.push(pair[0]);
                    right.push(pair[1]);
                }
            }
            let products = self.mul_raw(field, &left, &right).await?;
            // Each row's unpaired last factor waits for the next level.
            let mut next = Vec::with_capacity(pairs + factors.len() / width);
            for (row, p) in factors.chunks_exact(width).zip(products.chunks_exact(half)) {
                next.extend_from_slice(p);
                next.push(row[width - 1]);
            }
            factors = next;
            width = half + 1;
        }
        Ok(factors)
    }

    /// Shares of `n` uniformly random field elements (PRSS: no interaction).
    pub(crate) async fn random_fe(&self, field: &Field, n: usize) -> Result<Vec<Fe>> {
        match self.with_prss(|p| p.random(field, n, None)) {
            Some(r) => Ok(r),
            None => self.deal(field, n, self.threshold(), |f, rng| f.random(rng)).await,
        }
    }

    /// Shares of `n` random values in `[0, bound)` (not uniform: a sum of
    /// one contribution per PRSS subset or dealer), for statistical masks.
    pub(crate) async fn random_below(&self, field: &Field, n: usize, bound: u128) -> Result<Vec<Fe>> {
        match self.with_prss(|p| p.random(field, n, Some(bound))) {
            Some(r) => Ok(r),
            None => {
                let per_dealer = (bound / (self.threshold() as u128 + 1)).max(1);
                self.deal(field, n, self.threshold(), |f, rng| f.random_below(rng, per_dealer)).await
            }
        }
    }

    /// Opens degree-`2t` shares (products, not yet reshared) to every party,
    /// re-randomised so that the opening reveals the values alone. One round.
    ///
    /// When every party's share is needed (`m = 2t + 1`, the default
    /// threshold at an odd number of parties) and the pair keys are set up,
    /// each party sends `λ_i·x_i` — its additive share, `λ_i` its Lagrange
    /// coefficient at 0 — plus its part of a pairwise zero sharing
    /// ([`Runtime::pair_zero_sharing`]), and everyone adds the `m` values.
    /// A coalition of `t` parties then sees the other `t + 1 ≥ 2` values
    /// uniform given their sum, which is what the opening reveals anyway: the
    /// masking of MPC protocols by pairwise pseudorandom zero sharings. It
    /// draws `m − 1` values per element where MPyC's degree-`2t` zero
    /// sharing ([`Prss::zero`](crate::prss::Prss::zero)) draws `t` per PRSS
    /// subset and multiplies each (`t·C(m − 1, t)`: 12 at 5 parties), and
    /// receivers add instead of interpolating. Otherwise, that zero sharing
    /// is added and `2t + 1` shares are interpolated.
    pub(crate) async fn open_2t(&self, field: &Field, mut x: Vec<Fe>) -> Result<Vec<Fe>> {
        let (m, me, t) = (self.parties(), self.id(), self.threshold());
        if m == 2 * t + 1 && t >= 1 && self.has_pair_streams() {
            let own = self.lambdas(field, &PARTY_IDS[..m])[me];
            return self.open_sum(field, shamir::scaled(field, own, &x)).await;
        }
        let zero = self.zero_2t(field, x.len()).await?;
        with_arith!(field, |a| x.iter_mut().zip(&zero).for_each(|(v, &z)| *v = a.add(*v, z)));
        let opened = self.open_raw(field, &x, &Receivers::All, 2 * t).await?;
        opened.ok_or_else(|| Error::Internal("open to all returned nothing".into()))
    }

    /// Opens the sum of every party's `part`: each adds its part of a
    /// pairwise zero sharing ([`Runtime::pair_zero_sharing`]) and sends it
    /// to all, and everyone adds the `m` values. A coalition of `t` parties
    /// sees the others' masked parts uniform given their sum, which the
    /// opening reveals anyway. One round; needs the pair keys.
    pub(crate) async fn open_sum(&self, field: &Field, mut part: Vec<Fe>) -> Result<Vec<Fe>> {
        let (m, me) = (self.parties(), self.id());
        let zero =
            self.pair_zero_sharing(field, part.len()).ok_or_else(|| Error::Internal("an additive opening without pair keys".into()))?;
        with_arith!(field, |a| part.iter_mut().zip(&zero).for_each(|(v, &z)| *v = a.add(*v, z)));
        let incoming = self.exchange_with(self.flow_everyone(), |_, buf| field.encode(&part, buf)).await?;
        let ones = [shamir::Lambda::Small(1); MAX_PARTIES];
        self.combine_wire(field, &PARTY_IDS[..m], &ones[..m], &[(me, &part)], &incoming, part.len())
    }

    /// Shares of `n` zeros of degree `2t`, to re-randomise products before
    /// they are opened.
    pub(crate) async fn zero_2t(&self, field: &Field, n: usize) -> Result<Vec<Fe>> {
        let t = self.threshold();
        match self.with_prss(|p| p.zero(field, n, t)) {
            Some(r) => Ok(r),
            None => self.deal(field, n, 2 * t, |f, _| f.zero()).await,
        }
    }

    /// Without PRSS: parties `0..=t` each deal a sharing (of the given degree)
    /// of values drawn by `draw`; the sum has at least one honest dealer.
    async fn deal(&self, field: &Field, n: usize, degree: usize, draw: impl Fn(&Field, &mut KeyStream) -> Fe) -> Result<Vec<Fe>> {
        let (m, me, t) = (self.parties(), self.id(), self.threshold());
        let mut out = vec![Vec::new(); m];
        if me <= t {
            out = self.with_rng(|rng| {
                let values: Vec<Fe> = (0..n).map(|_| draw(field, rng)).collect();
                shamir::share(field, rng, &values, degree, m)
            });
        }
        let mine = std::mem::take(&mut out[me]);
        let incoming = self.exchange_fe(field, self.flow(|dealer, _| dealer <= t), &slices(&out)).await?;
        let mut sum = vec![field.zero(); n];
        for j in 0..=t {
            let part = if j == me { &mine } else { &incoming[j] };
            expect_len(j, part, n)?;
            for (s, &x) in sum.iter_mut().zip(part) {
                *s = field.add(*s, x);
            }
        }
        Ok(sum)
    }

    /// Shares of `n` uniformly random bits. With PRSS and `t ≤ 1`, from the
    /// subsets' key streams (see [`Runtime::random_bits_started`]); otherwise
    /// MPyC's square-root method ([`Runtime::sqrt_bits`]).
    pub(crate) async fn random_bits_raw(&self, field: &Field, n: usize) -> Result<Vec<Fe>> {
        let bits = self.random_bits_started(field, n).await?;
        self.finish_bits(field, bits).await
    }

    /// Random bits up to their last step, which [`Runtime::open_with_bits`]
    /// can take in the round of an opening that uses them. With PRSS and
    /// `t = 1` the subsets are `S_d` = "everyone but d"; party `d` knows
    /// every subset's bit but `S_d`'s, XORs them into `u` and deals it, and
    /// `b = u ⊕ β` for `S_d`'s bit `β`, which party `d` lacks; every other
    /// party `j` lacks the bit of `S_j`, which is part of `u`. Bit `i` is
    /// dealt by party `i mod m`, so the work is balanced. The members of
    /// `S_d` know `β`, so each flips its share of `u` where `β = 1` and adds
    /// `s·x` for an `s` drawn from `S_d`'s stream: a degree-1 sharing of `b`
    /// whose share at `d` is uniform to `d`. Party `d` gets that share in the
    /// next round from its two successors, who interpolate it and mask the
    /// two parts with their pair stream ([`Runtime::finish_bits`]). One round
    /// here (the dealing), and a hand-over to come, with no multiplication
    /// (MPyC's method needs ~70 a bit for its square root). With `t = 0` the
    /// single subset's bit is the bit; for `t ≥ 2` or without PRSS, the
    /// bits are made whole by [`Runtime::sqrt_bits`].
    pub(crate) async fn random_bits_started(&self, field: &Field, n: usize) -> Result<Bits> {
        if n == 0 {
            return Ok(Bits::Ready(Vec::new()));
        }
        // (The threshold first: for t ≥ 2 the subsets' bits would be drawn for nothing.)
        let bits = if self.threshold() <= 1 && self.has_pair_streams() { self.with_prss(|p| p.subset_bits(n)) } else { None };
        let Some(bits) = bits else {
            return Ok(Bits::Ready(self.sqrt_bits(field, n).await?));
        };
        let (m, me) = (self.parties(), self.id());
        // (Selects, not branches: the bits are random, so a branch on each
        // would be mispredicted half the time.)
        let (one, zero) = (field.one(), field.zero());
        let to_fe = |b: bool| Fe::select(b, one, zero);
        if self.threshold() == 0 {
            let (_, single) = bits.into_iter().next().ok_or_else(|| Error::Internal("no PRSS subset".into()))?;
            return Ok(Bits::Ready(single.into_iter().map(to_fe).collect()));
        }
        let everyone = (1u64 << m) - 1;
        let without = |d: usize| everyone & !(1u64 << d);
        // Party d deals bits d, d + m, d + 2m, ….
        let count = |d: usize| dealt_by(d, n, m);
        // u for the bits this party deals: the XOR of its subsets' bits.
        let mine: Vec<Fe> = (me..n).step_by(m).map(|i| to_fe(bits.iter().fold(false, |acc, (_, b)| acc ^ b[i]))).collect();
        // The masks s of the bits dealt by others, from the streams of the
        // subsets S_d this party is in (every member draws them).
        let masks: Vec<Vec<Fe>> = (0..m)
            .map(|d| {
                if d == me {
                    Vec::new()
                } else {
                    self.with_prss(|p| p.subset_random(field, without(d), count(d))).flatten().unwrap_or_default()
                }
            })
            .collect();
        let (mut own, mut derived) = (Vec::new(), Vec::new());
        let exchange = self.exchange_all(self.flow_dealt_by(|_| true), |bufs| {
            derived = self.derived_shares(field, (0..m).map(|d| (d, count(d))));
            own = self.share_out(field, Secrets::Values(&mine), bufs);
        });
        // The hand-over's masks z, drawn as the dealing is registered (so in
        // the same order as the draws around it, at both ends of the pair
        // stream): for dealer d, by its successors d + 1 and d + 2.
        let handing: Vec<(PartyId, Vec<Fe>)> = (0..m)
            .filter(|&d| d != me && handers(d, m).contains(&me))
            .map(|d| {
                let [j, k] = handers(d, m);
                let partner = if me == j { k } else { j };
                (d, self.with_pair_stream(partner, |stream| field.random_vec(stream, count(d))).unwrap_or_default())
            })
            .collect();
        let incoming = exchange.await?;
        let mut shares = vec![field.zero(); n];
        let mut handover = Vec::with_capacity(handing.len());
        let x_me = shamir::point(field, me);
        for d in 0..m {
            let decoded;
            let u: &[Fe] = match derived.iter().find(|(s, _)| *s == d) {
                _ if d == me => &own,
                Some((_, drawn)) => drawn,
                None => {
                    decoded = field.decode(incoming.from(d)).ok_or_else(|| misbehaved(d, "malformed field elements"))?;
                    &decoded
                }
            };
            expect_len(d, u, count(d))?;
            if d == me {
                continue;
            }
            // b' = (β ? 1 − u : u) + s·x at this party's point.
            let beta = bits.iter().find(|(s, _)| *s == without(d)).map(|(_, b)| b.as_slice()).unwrap_or_default();
            let s = &masks[d];
            if beta.len() != n || s.len() != count(d) {
                return Err(Error::Internal("random bits without their subset's stream".into()));
            }
            with_arith!(field, |a| for (k, (&uk, &sk)) in u.iter().zip(s).enumerate() {
                let i = d + k * m;
                let flipped = Fe::select(beta[i], a.sub(one, uk), uk);
                shares[i] = a.add(flipped, a.mul(sk, x_me));
            });
            // This party's part of d's share: its share times its Lagrange
            // coefficient at d's point (through the two handers' points),
            // plus z (the first hander) or minus z (the second).
            if let Some((_, z)) = handing.iter().find(|(h, _)| *h == d) {
                if z.len() != count(d) {
                    return Err(Error::Internal("random bits without their pair stream".into()));
                }
                let [j, k] = handers(d, m);
                let basis = shamir::lagrange_basis(field, &[shamir::point(field, j), shamir::point(field, k)], shamir::point(field, d));
                let (weight, first) = if me == j { (basis[0], true) } else { (basis[1], false) };
                let part: Vec<Fe> = with_arith!(field, |a| (0..count(d))
                    .map(|k| {
                        let v = a.mul(shares[d + k * m], weight);
                        if first { a.add(v, z[k]) } else { a.sub(v, z[k]) }
                    })
                    .collect());
                handover.push((d, part));
            }
        }
        Ok(Bits::Dealt(Dealt {
            shares,
            handover,
            #[cfg(test)]
            own_u: own,
        }))
    }

    /// The bits' shares (degree `t`): for dealt bits, after the hand-over
    /// of the shares of the bits this party dealt (one round): the sum of
    /// the two parts its successors send.
    pub(crate) async fn finish_bits(&self, field: &Field, bits: Bits) -> Result<Vec<Fe>> {
        let Dealt { mut shares, handover, .. } = match bits {
            Bits::Ready(bits) => return Ok(bits),
            Bits::Dealt(dealt) => dealt,
        };
        let (m, me, n) = (self.parties(), self.id(), shares.len());
        let flow = self.flow(|from, to| handers(to, m).contains(&from));
        let incoming = self
            .exchange_with(flow, |d, buf| {
                if let Some((_, part)) = handover.iter().find(|(h, _)| *h == d) {
                    field.encode(part, buf);
                }
            })
            .await?;
        let mine = dealt_by(me, n, m);
        let ones = [shamir::Lambda::Small(1); 2];
        let received = self.combine_wire(field, &handers(me, m), &ones, &[], &incoming, mine)?;
        for (k, v) in received.into_iter().enumerate() {
            shares[me + k * m] = v;
        }
        Ok(shares)
    }

    /// Opens `base[e] ± Σ_{i<k} 2^i·b[e·per + i]` for each element `e` (`+`
    /// unless `subtract`) and returns it with the bits' shares, in one round.
    /// For dealt bits, whose dealers' shares are still to come, each bit's
    /// part is interpolated from the shares of its dealer's two successors
    /// alone, every party's part of the sum is masked by a pairwise zero
    /// sharing and sent to all, and everyone adds the parts
    /// ([`Runtime::open_sum`]), in the round of the hand-over.
    pub(crate) async fn open_with_bits(
        &self,
        field: &Field,
        base: &[Fe],
        bits: Bits,
        per: usize,
        k: usize,
        subtract: bool,
    ) -> Result<(Vec<Fe>, Vec<Fe>)> {
        let n = base.len();
        let len = match &bits {
            Bits::Ready(b) => b.len(),
            Bits::Dealt(dealt) => dealt.shares.len(),
        };
        if k > per || len != n * per {
            return Err(Error::Internal("an opening given mismatched random bits".into()));
        }
        // base ± Σ 2^i·w_j·bit[e·per + i] for each element e, where bit j's
        // weight is weights[j mod m] (none: 1).
        let combine = |base: &[Fe], bit: &[Fe], weights: Option<&[Fe]>| -> Vec<Fe> {
            let mut weighted = Vec::with_capacity(k);
            with_arith!(field, |a| (0..n)
                .map(|e| {
                    let row = &bit[e * per..e * per + k];
                    let sum = match weights {
                        None => binary_sum(field, a, row),
                        Some(w) => a.binary_sum_reduced_once(row, w, e * per).unwrap_or_else(|| {
                            let cycled = w.iter().cycle().skip(e * per % w.len());
                            weighted.clear();
                            weighted.extend(row.iter().zip(cycled).map(|(&b, &w)| a.mul(b, w)));
                            binary_sum(field, a, &weighted)
                        }),
                    };
                    if subtract { a.sub(base[e], sum) } else { a.add(base[e], sum) }
                })
                .collect())
        };
        match bits {
            Bits::Ready(b) => {
                let opened = self.open_all(field, &combine(base, &b, None)).await?;
                Ok((opened, b))
            }
            Bits::Dealt(dealt) => {
                let (m, me) = (self.parties(), self.id());
                let own = self.lambdas(field, &PARTY_IDS[..m])[me];
                // Bit j's weight here (j dealt by j mod m): this party's
                // Lagrange coefficient at 0 through its dealer's two
                // successors, if it is one of them.
                let weights: Vec<Fe> = (0..m)
                    .map(|d| {
                        let pair = handers(d, m);
                        pair.iter().position(|&h| h == me).map_or(field.zero(), |i| shamir::lagrange_at_zero(field, &pair)[i])
                    })
                    .collect();
                let part = combine(&shamir::scaled(field, own, base), &dealt.shares, Some(&weights));
                futures_util::future::try_join(self.open_sum(field, part), self.finish_bits(field, Bits::Dealt(dealt))).await
            }
        }
    }

    /// Shares of `n` uniformly random bits, MPyC's way: open `r²` (masked by a zero
    /// sharing of degree 2t) for a random shared `r`, and set
    /// `b = (r / sqrt(r²) + 1) / 2`. One round (retried for the rare `r = 0`,
    /// probability `1/p` a bit, at most [`RETRIES`] times; an opening that
    /// is not a square, which `r²` never is, means the shares disagree).
    pub(crate) async fn sqrt_bits(&self, field: &Field, n: usize) -> Result<Vec<Fe>> {
        let inv2 = field.inv(field.from_u128(2))?;
        let mut bits = vec![field.zero(); n];
        let mut todo: Vec<usize> = (0..n).collect();
        for _ in 0..=RETRIES {
            if todo.is_empty() {
                return Ok(bits);
            }
            let k = todo.len();
            let r = self.random_fe(field, k).await?;
            let squares: Vec<Fe> = r.iter().map(|&ri| field.square(ri)).collect();
            let opened = self.open_2t(field, squares).await?;
            let mut retry = Vec::new();
            for (((idx, ri), u), &a) in todo.into_iter().zip(r).zip(field.inv_sqrt_batch(&opened)).zip(&opened) {
                match u {
                    Some(u) => bits[idx] = field.mul(field.add(field.mul(ri, u), field.one()), inv2),
                    None if a == field.zero() => retry.push(idx),
                    None => return Err(Error::Inconsistent("a random square opened to a non-square".into())),
                }
            }
            if !retry.is_empty() {
                self.rounds_vary();
            }
            todo = retry;
        }
        Err(Error::Inconsistent("random squares opened to zero every time".into()))
    }

    /// Whether each `x·r` is zero, revealing only that, for random nonzero
    /// multipliers `r` (degree-t shares): open `x·r` (degree 2t), masked
    /// ([`Runtime::open_2t`]). One round. (MPyC's `is_zero_public` with its random `r`;
    /// the comparison folds a factor of its product into `r`.)
    pub(crate) async fn is_zero_public_by(&self, field: &Field, x: &[Fe], r: &[Fe]) -> Result<Vec<bool>> {
        same_len(x, r)?;
        let products: Vec<Fe> = x.iter().zip(r).map(|(&xi, &ri)| field.mul(xi, ri)).collect();
        let opened = self.open_2t(field, products).await?;
        Ok(opened.into_iter().map(|v| v == field.zero()).collect())
    }
}

/// Shares of random bits, finished or with their hand-over to come (see
/// [`Runtime::random_bits_started`]).
pub(crate) enum Bits {
    /// Degree-`t` shares of the bits.
    Ready(Vec<Fe>),
    /// Dealt bits whose dealers' shares are still to be handed over.
    Dealt(Dealt),
}

/// Dealt random bits before their hand-over ([`Runtime::finish_bits`]).
pub(crate) struct Dealt {
    /// This party's shares of the bits; zero where it dealt the bit.
    shares: Vec<Fe>,
    /// For each dealer this party is a hander for, its part of that
    /// dealer's shares.
    handover: Vec<(PartyId, Vec<Fe>)>,
    /// This party's shares of the `u` it dealt (bits `me, me + m, …`), for
    /// the test of what a dealer knows.
    #[cfg(test)]
    own_u: Vec<Fe>,
}

/// How many of `n` random bits party `d` of `m` deals: bits `d, d + m, …`.
fn dealt_by(d: PartyId, n: usize, m: usize) -> usize {
    (n + m - 1 - d) / m
}

/// The two parties that hand dealer `d` its shares of the bits it dealt
/// (its two cyclic successors).
fn handers(d: PartyId, m: usize) -> [PartyId; 2] {
    [(d + 1) % m, (d + 2) % m]
}

fn slices(v: &[Vec<Fe>]) -> Vec<&[Fe]> {
    v.iter().map(Vec::as_slice).collect()
}

/// How many times a protocol draws again when its random values fail a
/// public test (an opened square of zero, probability `1/p`; a batch of
/// candidates below a bound falling short, under 1/2, and each short batch
/// leaves only about the square root of the missing values missing, for
/// which a batch falls short far less often): so many failures in a row
/// have a probability far below 2^-100 with honest shares, so past that the protocol ends with
/// [`Error::Inconsistent`] rather than drawing round after round (a party
/// could otherwise keep it drawing by what it sends).
pub(crate) const RETRIES: usize = 64;

/// Opened comparison results as booleans: each must be 0 or 1, else the
/// parties' shares disagree ([`Error::Inconsistent`]). A protocol whose
/// next step depends on them (a sort's order, a rejection's retries) must
/// not go on with anything else: garbage would sort nothing or reject
/// every candidate, round after round.
pub(crate) fn opened_bits(field: &Field, opened: &[Fe]) -> Result<Vec<bool>> {
    let (zero, one) = (field.zero(), field.one());
    opened
        .iter()
        .map(|&v| match v {
            v if v == one => Ok(true),
            v if v == zero => Ok(false),
            _ => Err(Error::Inconsistent("a comparison opened to neither 0 nor 1".into())),
        })
        .collect()
}

/// `Σ_i 2^i·xs[i]`: with one reduction where the arithmetic can
/// ([`Arith::binary_sum_reduced_once`]: a 64-bit modulus, at most 64 terms),
/// else Horner's rule on runs of 8 terms, the runs joined by products with
/// `2^8`. One Horner chain over all the terms waits on each step (two
/// dependent additions a term); the runs do not depend on each other, so the
/// processor computes them side by side.
#[inline(never)]
pub(crate) fn binary_sum<A: Arith>(field: &Field, ar: A, xs: &[Fe]) -> Fe {
    if let Some(sum) = ar.binary_sum_reduced_once(xs, &[], 0) {
        return sum;
    }
    const RUN: usize = 8;
    let two_run = field.from_u128(1 << RUN);
    // The top run first, which alone may be short.
    xs.chunks(RUN).rev().fold(field.zero(), |total, run| {
        let run = run.iter().rev().fold(field.zero(), |acc, &x| ar.add(ar.add(acc, acc), x));
        ar.add(ar.mul(total, two_run), run)
    })
}

/// Values to share: given, or products of degree-t shares, either of them
/// possibly multiplied by a constant.
#[derive(Clone, Copy)]
enum Secrets<'a> {
    Values(&'a [Fe]),
    Products(&'a [Fe], &'a [Fe]),
    ScaledValues(&'a [Fe], Fe),
    ScaledProducts(&'a [Fe], &'a [Fe], Fe),
    /// The products of adjacent values, `x[2k]·x[2k + 1]`.
    Pairs(&'a [Fe]),
    ScaledPairs(&'a [Fe], Fe),
}

impl<'a> Secrets<'a> {
    fn len(&self) -> usize {
        match self {
            Secrets::Values(x) | Secrets::Products(x, _) | Secrets::ScaledValues(x, _) | Secrets::ScaledProducts(x, _, _) => x.len(),
            Secrets::Pairs(x) | Secrets::ScaledPairs(x, _) => x.len() / 2,
        }
    }

    /// These secrets, each multiplied by `scale` if given.
    fn scaled(self, scale: Option<Fe>) -> Secrets<'a> {
        match (self, scale) {
            (Secrets::Values(x), Some(s)) => Secrets::ScaledValues(x, s),
            (Secrets::Products(a, b), Some(s)) => Secrets::ScaledProducts(a, b, s),
            (Secrets::Pairs(x), Some(s)) => Secrets::ScaledPairs(x, s),
            (secrets, _) => secrets,
        }
    }

    /// Writes secrets `start..start + out.len()` into `out`: one pass per
    /// kind of secret, not a decision on the kind for each. Called once a
    /// block, so it is not inlined: a copy for each arithmetic, not one for
    /// each caller as well (about 1 KB less of the session host's
    /// WebAssembly, gzipped; no change in speed).
    #[inline(never)]
    fn fill(&self, ar: impl Arith, start: usize, out: &mut [Fe]) {
        let range = start..start + out.len();
        match *self {
            Secrets::Values(x) => out.copy_from_slice(&x[range]),
            Secrets::Products(a, b) => {
                out.iter_mut().zip(&a[range.clone()]).zip(&b[range]).for_each(|((o, &x), &y)| *o = ar.mul(x, y));
            }
            Secrets::ScaledValues(x, s) => out.iter_mut().zip(&x[range]).for_each(|(o, &x)| *o = ar.mul(x, s)),
            Secrets::ScaledProducts(a, b, s) => {
                out.iter_mut().zip(&a[range.clone()]).zip(&b[range]).for_each(|((o, &x), &y)| *o = ar.mul(ar.mul(x, y), s));
            }
            Secrets::Pairs(x) => {
                out.iter_mut().zip(x[2 * range.start..2 * range.end].chunks_exact(2)).for_each(|(o, p)| *o = ar.mul(p[0], p[1]));
            }
            Secrets::ScaledPairs(x, s) => {
                let pairs = x[2 * range.start..2 * range.end].chunks_exact(2);
                out.iter_mut().zip(pairs).for_each(|(o, p)| *o = ar.mul(ar.mul(p[0], p[1]), s));
            }
        }
    }
}

/// Checks that a peer sent exactly `n` elements.
pub(crate) fn expect_len(party: PartyId, v: &[Fe], n: usize) -> Result<()> {
    if v.len() != n {
        return Err(misbehaved(party, &format!("sent {} elements, expected {n}", v.len())));
    }
    Ok(())
}

/// Checks that two operand vectors have the same length.
pub(crate) fn same_len<A, B>(a: &[A], b: &[B]) -> Result<()> {
    if a.len() != b.len() {
        return Err(Error::InvalidArgument(format!("vectors of lengths {} and {} do not match", a.len(), b.len())));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Bits, binary_sum};
    use crate::field::{Arith, Fe, Field, ONE_REDUCTION_TERMS, ONE_REDUCTION_WEIGHTS, with_arith};
    use crate::{SecType, local};

    /// `Σ_i 2^i·w[(first + i) mod w.len()]·x_i` term by term.
    fn plain_sum(field: &Field, xs: &[Fe], w: &[Fe], first: usize) -> Fe {
        xs.iter().enumerate().fold(field.zero(), |sum, (i, &x)| {
            let x = if w.is_empty() { x } else { field.mul(x, w[(first + i) % w.len()]) };
            field.add(sum, field.mul(x, field.pow(field.from_u128(2), i as u128)))
        })
    }

    /// Terms near the modulus (the largest sums) and small ones.
    fn terms(field: &Field, n: usize) -> Vec<Fe> {
        let p = field.modulus();
        (0..n as u128).map(|i| field.from_u128(if i % 3 == 0 { i * 7919 + 3 } else { p - 1 - i })).collect()
    }

    /// `binary_sum` equals the plain sum of `2^i·x_i`: in one reduction up
    /// to 64 terms of a 64-bit field, in runs of 8 beyond (with and without
    /// a short top run) and in a 128-bit field.
    #[test]
    fn a_binary_sum_equals_the_plain_sum() {
        for bits in [32, 64] {
            let field = *SecType::int(bits).unwrap().field();
            assert_eq!(field.narrow_arith().is_some(), bits == 32, "secint({bits})'s field");
            let xs = terms(&field, 80);
            for k in [0, 1, 7, 8, 9, 16, 31, 32, 33, 40, 63, 64, 65, 72, 80] {
                let sum = with_arith!(&field, |a| binary_sum(&field, a, &xs[..k]));
                assert_eq!(sum, plain_sum(&field, &xs[..k], &[], 0), "secint({bits}), k={k}");
            }
        }
    }

    /// The weighted sum in one reduction a weight (a comparison's dealt bits
    /// at threshold 1) equals the plain sum, for every number of weights it
    /// takes, every starting weight, zero weights and weights near the
    /// modulus; it declines more terms or weights than it takes.
    #[test]
    fn a_weighted_binary_sum_in_one_reduction_equals_the_plain_sum() {
        let field = *SecType::int(32).unwrap().field();
        let xs = terms(&field, ONE_REDUCTION_TERMS + 1);
        let ar = field.narrow_arith().expect("secint(32)'s field is below 2^64");
        for m in 1..=ONE_REDUCTION_WEIGHTS {
            let w: Vec<Fe> =
                (0..m as u128).map(|j| if j == 1 { field.zero() } else { field.from_u128(field.modulus() - 1 - 17 * j) }).collect();
            for first in 0..2 * m {
                for k in [0, 1, 5, 32, 33, ONE_REDUCTION_TERMS] {
                    let once = ar.binary_sum_reduced_once(&xs[..k], &w, first);
                    assert_eq!(once, Some(plain_sum(&field, &xs[..k], &w, first)), "m={m}, first={first}, k={k}");
                }
            }
            assert_eq!(ar.binary_sum_reduced_once(&xs, &w, 0), None);
        }
        let too_many = vec![field.one(); ONE_REDUCTION_WEIGHTS + 1];
        assert_eq!(ar.binary_sum_reduced_once(&xs[..8], &too_many, 0), None);
    }

    /// What a dealer of random bits knows at `t = 1`: it dealt `u`, so it
    /// knows its share `u_d`, and `b = u ⊕ β` for a `β` it lacks. Its final
    /// share of the bit must be neither `u_d` nor `1 − u_d` (which would
    /// tell it `β`, hence `b`): the mask `s·x_d` from the stream of the
    /// others makes it uniform.
    #[test]
    fn a_dealers_share_of_its_bit_does_not_follow_from_what_it_dealt() {
        let field = *SecType::int(32).unwrap().field();
        let n = 300;
        for (m, seed) in [(3, 1), (3, 2), (4, 3), (5, 4)] {
            let out = local::run(m, 1, seed, move |rt| async move {
                let Bits::Dealt(dealt) = rt.random_bits_started(&field, n).await? else { panic!("m={m}: bits not dealt") };
                let own_u = dealt.own_u.clone();
                let shares = rt.finish_bits(&field, Bits::Dealt(dealt)).await?;
                let me = rt.id();
                Ok(own_u.into_iter().zip(shares.into_iter().skip(me).step_by(m)).collect::<Vec<(Fe, Fe)>>())
            })
            .unwrap();
            for (d, pairs) in out.results.iter().enumerate() {
                assert!(!pairs.is_empty());
                for &(u, b) in pairs {
                    assert!(b != u && b != field.sub(field.one(), u), "m={m}: party {d}'s share of its bit is its share of u, or its flip");
                }
            }
        }
    }
}
