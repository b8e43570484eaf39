//! The server's state, without I/O: connections, rooms, memberships, and
//! who gets which message. Connections deliver through a [`Peer`], which
//! only queues (it never blocks); time is passed in.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use cohort_channel::{AdmissionToken, Fingerprint};

use super::budget::Overflow;
use crate::protocol::{self, ErrorCode, Limits, ServerMessage};

/// A connection's number, unique for the server's lifetime.
pub(super) type ConnId = u64;

/// Longest room id (session id), bytes.
pub(super) const MAX_ROOM_ID: usize = 128;

/// A message on its way to a client.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Outgoing {
    /// A JSON text frame.
    Text(String),
    /// A relay frame.
    Binary(Vec<u8>),
}

impl Outgoing {
    pub(super) fn message(msg: &ServerMessage) -> Outgoing {
        Outgoing::Text(serde_json::to_string(msg).expect("server messages serialise"))
    }

    pub(super) fn error(code: ErrorCode, message: impl Into<String>) -> Outgoing {
        Outgoing::message(&ServerMessage::Error { code, message: message.into() })
    }
}

/// A message a [`Peer`] could not queue, and why.
#[derive(Debug)]
pub(super) struct Rejected(pub(super) Overflow, pub(super) Outgoing);

/// The way to one client: a bounded queue, and a way to end it.
pub(super) trait Peer {
    /// Queues `msg`, or gives it back with the budget it would exceed.
    fn send(&self, msg: Outgoing) -> Result<(), Rejected>;
    /// Bytes queued, as counted against the server's budget.
    fn queued(&self) -> usize;
    /// Ends the connection with this (fatal) error. With `queue_full`, what
    /// is queued is dropped unsent.
    fn end(&self, code: ErrorCode, message: String);
}

/// Why a client's request was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Refusal {
    /// The code sent.
    pub(super) code: ErrorCode,
    /// The explanation sent.
    pub(super) message: String,
}

impl Refusal {
    pub(super) fn new(code: ErrorCode, message: impl Into<String>) -> Refusal {
        Refusal { code, message: message.into() }
    }

    /// Whether the connection ends with this error.
    pub(super) fn is_fatal(&self) -> bool {
        self.code.is_fatal()
    }
}

/// What a join did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Joined {
    /// Created the room.
    Created,
    /// Entered an existing room.
    Entered,
    /// Took over this identity's place from another connection.
    Replaced(ConnId),
    /// Was already there on this connection.
    Again,
}

struct Conn<P> {
    peer: P,
    fingerprint: Option<String>,
    rooms: BTreeSet<String>,
}

struct Room {
    /// The parties admitted, in party order (sorted, for an open room).
    parties: Vec<String>,
    /// For an open room, how many parties it admits.
    open: Option<usize>,
    members: HashMap<String, ConnId>,
    expires: Instant,
}

/// Who a room admits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Admission {
    /// These parties, in this order.
    Listed(Vec<String>),
    /// The first this many distinct identities to join, in the order of
    /// their fingerprints. Until it is full, a party that leaves frees its
    /// place; once full, its parties are fixed.
    Open(usize),
}

impl Room {
    fn present(&self) -> Vec<String> {
        self.parties.iter().filter(|p| self.members.contains_key(*p)).cloned().collect()
    }
}

/// Connections and rooms.
pub(super) struct Hub<P> {
    limits: Limits,
    /// Bytes queued for one client before it is disconnected.
    max_queue_bytes: usize,
    conns: HashMap<ConnId, Conn<P>>,
    rooms: HashMap<String, Room>,
    /// Rooms each identity is in, over all its connections.
    rooms_of: HashMap<String, usize>,
    closing: bool,
}

impl<P: Peer> Hub<P> {
    pub(super) fn new(limits: Limits, max_queue_bytes: usize) -> Self {
        Hub { limits, max_queue_bytes, conns: HashMap::new(), rooms: HashMap::new(), rooms_of: HashMap::new(), closing: false }
    }

    /// Live connections.
    pub(super) fn clients(&self) -> usize {
        self.conns.len()
    }

    /// Live rooms.
    pub(super) fn rooms(&self) -> usize {
        self.rooms.len()
    }

    /// Registers a new connection; false (and no registration) once shutting down.
    pub(super) fn connect(&mut self, id: ConnId, peer: P) -> bool {
        if self.closing {
            return false;
        }
        self.conns.insert(id, Conn { peer, fingerprint: None, rooms: BTreeSet::new() });
        true
    }

    /// Records the identity a connection proved.
    pub(super) fn authenticate(&mut self, id: ConnId, fingerprint: String) {
        if let Some(conn) = self.conns.get_mut(&id) {
            conn.fingerprint = Some(fingerprint);
        }
    }

    /// Queues a message for a connection, ending it if its queue is full.
    /// When every queue together is at the server's budget, the connection
    /// with the most unread bytes is ended first (whichever it is), and the
    /// message queued if there is room then. Once shutting down, nothing
    /// more is sent but the farewell.
    pub(super) fn send(&self, id: ConnId, msg: Outgoing) {
        if self.closing {
            return;
        }
        let Some(conn) = self.conns.get(&id) else { return };
        let slow = "the client reads too slowly";
        let (why, msg) = match conn.peer.send(msg) {
            Ok(()) => return,
            Err(Rejected(why, msg)) => (why, msg),
        };
        let message = match why {
            Overflow::Messages => format!("more than {} messages waiting: {slow}", self.limits.max_queue),
            Overflow::Bytes => format!("more than {} bytes waiting: {slow}", self.max_queue_bytes),
            Overflow::Server => {
                let hog = self.conns.iter().map(|(&hog, c)| (hog, c.peer.queued())).max_by_key(|&(_, queued)| queued);
                if let Some((hog, queued)) = hog.filter(|&(hog, queued)| hog != id && queued > 0) {
                    let why =
                        format!("the server is short of memory for queued messages, and this client had the most unread ({queued} bytes)");
                    self.conns[&hog].peer.end(ErrorCode::QueueFull, why);
                    if conn.peer.send(msg).is_ok() {
                        return;
                    }
                }
                "the server is short of memory for queued messages, and this client reads too slowly".to_string()
            }
        };
        conn.peer.end(ErrorCode::QueueFull, message);
    }

    /// Removes a connection from its rooms and forgets it; returns the rooms that closed.
    pub(super) fn disconnect(&mut self, id: ConnId) -> Vec<String> {
        let Some(conn) = self.conns.remove(&id) else { return Vec::new() };
        let Some(fp) = conn.fingerprint else { return Vec::new() };
        conn.rooms.into_iter().filter(|room| self.remove_member(room, &fp, id)).collect()
    }

    /// Joins (or creates) a room, answers `joined` and tells the others.
    /// `token` is the invite's admission token, if the client gave one (see
    /// [`check_token`]). A refused join changes nothing.
    pub(super) fn join(
        &mut self,
        id: ConnId,
        room: &str,
        admission: Admission,
        token: Option<&str>,
        now: Instant,
        busy: bool,
    ) -> Result<Joined, Refusal> {
        let fp = self.fingerprint(id)?;
        check_room_id(room)?;
        check_token(room, &admission, token)?;
        let max = self.limits.max_parties;
        let size = match &admission {
            Admission::Listed(parties) => parties.len(),
            Admission::Open(size) => *size,
        };
        if size > max {
            return Err(Refusal::new(ErrorCode::RoomFull, format!("a room holds at most {max} parties, not {size}")));
        }
        if size < 2 {
            return Err(Refusal::new(ErrorCode::BadMessage, "a room needs at least 2 parties"));
        }
        if let Admission::Listed(parties) = &admission {
            for (i, p) in parties.iter().enumerate() {
                if Fingerprint::parse(p).ok().is_none_or(|f| f.as_str() != p) {
                    return Err(Refusal::new(
                        ErrorCode::BadMessage,
                        format!("party {i} is not a fingerprint as printed (`k3vq-…`, 6 groups of 4)"),
                    ));
                }
                if parties[..i].contains(p) {
                    return Err(Refusal::new(ErrorCode::BadMessage, format!("party {p} is listed twice")));
                }
            }
            if !parties.contains(&fp) {
                return Err(Refusal::new(ErrorCode::NotInRoster, format!("not admitted to room `{room}`: {fp} is not among its parties")));
            }
        }
        let existing = self.rooms.get(room);
        if existing.is_none() && busy {
            return Err(Refusal::new(ErrorCode::ServerBusy, "the server is short of memory and opens no new rooms now: try again later"));
        }
        if let Some(r) = existing {
            match (&admission, r.open) {
                (Admission::Listed(parties), None) if *parties == r.parties => {}
                (Admission::Open(size), Some(open)) if *size == open => {}
                (_, None) => {
                    return Err(Refusal::new(ErrorCode::RoomMismatch, format!("room `{room}` exists with another list of parties")));
                }
                (_, Some(open)) => {
                    return Err(Refusal::new(ErrorCode::RoomMismatch, format!("room `{room}` exists as an open room of {open} parties")));
                }
            }
            if r.open.is_some_and(|open| r.parties.len() >= open && !r.parties.contains(&fp)) {
                return Err(Refusal::new(ErrorCode::RoomFull, format!("room `{room}` is full: its {size} parties have joined")));
            }
        }
        let outcome = match existing.and_then(|r| r.members.get(&fp)).copied() {
            Some(old) if old == id => Joined::Again,
            Some(old) => Joined::Replaced(old),
            None => {
                let count = self.rooms_of.get(&fp).copied().unwrap_or(0);
                let max = self.limits.max_rooms_per_identity;
                if count >= max {
                    return Err(Refusal::new(
                        ErrorCode::TooManyRooms,
                        format!("this identity is in {count} rooms already (at most {max})"),
                    ));
                }
                *self.rooms_of.entry(fp.clone()).or_default() += 1;
                if existing.is_some() { Joined::Entered } else { Joined::Created }
            }
        };
        if let Joined::Replaced(old) = outcome {
            if let Some(conn) = self.conns.get_mut(&old) {
                conn.rooms.remove(room);
            }
            let msg = format!("left room `{room}`: this identity joined it from another connection");
            self.send(old, Outgoing::error(ErrorCode::UnknownRoom, msg));
        }
        let lifetime = Duration::from_secs(self.limits.room_lifetime_secs);
        let r = self.rooms.entry(room.to_string()).or_insert_with(|| match admission {
            Admission::Listed(parties) => Room { parties, open: None, members: HashMap::new(), expires: now + lifetime },
            Admission::Open(size) => Room { parties: Vec::new(), open: Some(size), members: HashMap::new(), expires: now + lifetime },
        });
        if r.open.is_some()
            && let Err(place) = r.parties.binary_search(&fp)
        {
            r.parties.insert(place, fp.clone());
        }
        r.members.insert(fp, id);
        if let Some(conn) = self.conns.get_mut(&id) {
            conn.rooms.insert(room.to_string());
        }
        let present = r.present();
        self.send(id, Outgoing::message(&ServerMessage::Joined { room: room.to_string(), present: present.clone() }));
        if outcome != Joined::Again {
            self.presence(room, present, Some(id));
        }
        Ok(outcome)
    }

    /// Leaves a room; returns whether the room closed.
    pub(super) fn leave(&mut self, id: ConnId, room: &str) -> Result<bool, Refusal> {
        let fp = self.fingerprint(id)?;
        self.member(id, &fp, room)?;
        if let Some(conn) = self.conns.get_mut(&id) {
            conn.rooms.remove(room);
        }
        Ok(self.remove_member(room, &fp, id))
    }

    /// Forwards signaling data to a party present in the room.
    pub(super) fn signal(&self, id: ConnId, room: &str, to: &str, data: serde_json::Value) -> Result<(), Refusal> {
        let fp = self.fingerprint(id)?;
        let recipient = self.recipient(id, &fp, room, to)?;
        self.send(recipient, Outgoing::message(&ServerMessage::Signal { room: room.to_string(), from: fp, data }));
        Ok(())
    }

    /// Where a relay frame (room, recipient, payload) from connection `id`
    /// goes: the recipient's connection. The frame forwarded is (room,
    /// sender, payload), made by [`forward`] — outside the hub's lock, since
    /// it copies the payload — and queued with [`Hub::send`].
    pub(super) fn route(&self, id: ConnId, frame: &[u8]) -> Result<ConnId, Refusal> {
        let fp = self.fingerprint(id)?;
        let (room, to, _) = protocol::decode_relay(frame).ok_or_else(|| Refusal::new(ErrorCode::BadMessage, "a malformed relay frame"))?;
        self.recipient(id, &fp, room, to)
    }

    /// Forwards a relay frame at once: [`Hub::route`], [`forward`], [`Hub::send`].
    #[cfg(test)]
    fn relay(&self, id: ConnId, frame: &[u8]) -> Result<(), Refusal> {
        let to = self.route(id, frame)?;
        let fp = self.fingerprint(id)?;
        self.send(to, forward(frame, &fp));
        Ok(())
    }

    /// Closes the rooms past their lifetime, telling their members; returns them.
    pub(super) fn expire(&mut self, now: Instant) -> Vec<String> {
        let expired: Vec<String> = self.rooms.iter().filter(|(_, r)| r.expires <= now).map(|(name, _)| name.clone()).collect();
        for name in &expired {
            let room = self.rooms.remove(name).expect("listed above");
            for (fp, id) in room.members {
                self.forget_room(&fp);
                if let Some(conn) = self.conns.get_mut(&id) {
                    conn.rooms.remove(name);
                }
                let secs = self.limits.room_lifetime_secs;
                self.send(id, Outgoing::error(ErrorCode::UnknownRoom, format!("room `{name}` expired: rooms live at most {secs} s")));
            }
        }
        expired
    }

    /// Refuses new connections and ends every live one with `shutting_down`.
    pub(super) fn shut_down(&mut self) {
        self.closing = true;
        for conn in self.conns.values() {
            conn.peer.end(ErrorCode::ShuttingDown, "the server is shutting down".into());
        }
    }

    fn fingerprint(&self, id: ConnId) -> Result<String, Refusal> {
        self.conns
            .get(&id)
            .and_then(|c| c.fingerprint.clone())
            .ok_or_else(|| Refusal::new(ErrorCode::BadMessage, "authenticate first: the first message must be `auth`"))
    }

    fn member(&self, id: ConnId, fp: &str, room: &str) -> Result<&Room, Refusal> {
        self.rooms
            .get(room)
            .filter(|r| r.members.get(fp) == Some(&id))
            .ok_or_else(|| Refusal::new(ErrorCode::UnknownRoom, format!("not in room `{room}` (join it first)")))
    }

    fn recipient(&self, id: ConnId, fp: &str, room: &str, to: &str) -> Result<ConnId, Refusal> {
        let r = self.member(id, fp, room)?;
        r.members.get(to).copied().ok_or_else(|| Refusal::new(ErrorCode::NotInRoom, format!("{to} is not present in room `{room}`")))
    }

    /// Removes `fp` (on connection `id`) from a room, telling the others;
    /// returns whether the room closed.
    fn remove_member(&mut self, room: &str, fp: &str, id: ConnId) -> bool {
        let Some(r) = self.rooms.get_mut(room) else { return false };
        if r.members.get(fp) != Some(&id) {
            return false;
        }
        r.members.remove(fp);
        if r.open.is_some_and(|open| r.parties.len() < open) {
            r.parties.retain(|p| p != fp);
        }
        let present = (!r.members.is_empty()).then(|| r.present());
        self.forget_room(fp);
        match present {
            Some(present) => {
                self.presence(room, present, None);
                false
            }
            None => {
                self.rooms.remove(room);
                true
            }
        }
    }

    fn forget_room(&mut self, fp: &str) {
        if let Some(n) = self.rooms_of.get_mut(fp) {
            *n -= 1;
            if *n == 0 {
                self.rooms_of.remove(fp);
            }
        }
    }

    fn presence(&self, room: &str, present: Vec<String>, except: Option<ConnId>) {
        let Some(r) = self.rooms.get(room) else { return };
        let msg = Outgoing::message(&ServerMessage::Presence { room: room.to_string(), present });
        for &member in r.members.values().filter(|&&m| Some(m) != except) {
            self.send(member, msg.clone());
        }
    }
}

/// The frame that forwards `frame` (room, recipient, payload), which
/// [`Hub::route`] accepted, from the sender `from`: (room, sender, payload).
pub(super) fn forward(frame: &[u8], from: &str) -> Outgoing {
    let (room, _, payload) = protocol::decode_relay(frame).expect("a frame the hub routed");
    Outgoing::Binary(protocol::encode_relay(room, from, payload).expect("room ids and fingerprints are short"))
}

/// Whether a room id has the form of an invite's session id (32 lowercase
/// hex digits): such rooms are reserved for the holders of its token.
fn is_invite_room(room: &str) -> bool {
    room.len() == 32 && room.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The admission rule: a join that gives a token must give the one whose
/// derived session id is the room's; open rooms and rooms with an invite's
/// id need the token. A listed room with any other id (parties that know
/// each other's keys, `cohort party --signal … --keys …`) needs none: its
/// party list alone decides who is seated.
fn check_token(room: &str, admission: &Admission, token: Option<&str>) -> Result<(), Refusal> {
    match token {
        Some(token) => {
            let token = AdmissionToken::from_hex(token)
                .map_err(|_| Refusal::new(ErrorCode::BadToken, "an admission token is 64 lowercase hex digits"))?;
            if token.session() != room {
                return Err(Refusal::new(ErrorCode::BadToken, format!("this admission token does not admit to room `{room}`")));
            }
        }
        None if matches!(admission, Admission::Open(_)) => {
            return Err(Refusal::new(ErrorCode::BadToken, "an open room is joined with its invite's admission token"));
        }
        None if is_invite_room(room) => {
            return Err(Refusal::new(ErrorCode::BadToken, format!("room `{room}` belongs to an invite: join it with the invite's token")));
        }
        None => {}
    }
    Ok(())
}

/// Room ids are 1 to [`MAX_ROOM_ID`] printable ASCII characters, no spaces.
fn check_room_id(room: &str) -> Result<(), Refusal> {
    if room.is_empty() || room.len() > MAX_ROOM_ID || !room.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Refusal::new(
            ErrorCode::BadMessage,
            format!("a room id is 1 to {MAX_ROOM_ID} printable ASCII characters without spaces"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;

    use cohort_channel::Identity;

    use super::*;

    /// Queue memory shared by [`Recorder`]s: a budget, and what is used.
    #[derive(Default)]
    struct Pool {
        limit: Cell<usize>,
        used: Cell<usize>,
    }

    /// A peer that records what it gets, with a queue of `room` messages
    /// whose bytes count against the pool.
    #[derive(Clone, Default)]
    struct Recorder {
        got: Rc<RefCell<Vec<Outgoing>>>,
        ended: Rc<RefCell<Option<ErrorCode>>>,
        room: usize,
        pool: Rc<Pool>,
    }

    fn size(msg: &Outgoing) -> usize {
        match msg {
            Outgoing::Text(t) => t.len(),
            Outgoing::Binary(b) => b.len(),
        }
    }

    impl Peer for Recorder {
        fn send(&self, msg: Outgoing) -> Result<(), Rejected> {
            let mut got = self.got.borrow_mut();
            if got.len() >= self.room {
                return Err(Rejected(Overflow::Messages, msg));
            }
            let used = self.pool.used.get() + size(&msg);
            if used > self.pool.limit.get() {
                return Err(Rejected(Overflow::Server, msg));
            }
            self.pool.used.set(used);
            got.push(msg);
            Ok(())
        }
        fn queued(&self) -> usize {
            self.got.borrow().iter().map(size).sum()
        }
        fn end(&self, code: ErrorCode, _: String) {
            self.ended.borrow_mut().get_or_insert(code);
            if code == ErrorCode::QueueFull {
                self.read_all();
            }
        }
    }

    impl Recorder {
        /// Reads (and drops) whatever is queued.
        fn read_all(&self) {
            self.pool.used.set(self.pool.used.get() - self.queued());
            self.got.borrow_mut().clear();
        }

        fn take(&self) -> Vec<ServerMessage> {
            self.got
                .borrow_mut()
                .drain(..)
                .inspect(|o| self.pool.used.set(self.pool.used.get() - size(o)))
                .map(|o| match o {
                    Outgoing::Text(t) => serde_json::from_str(&t).unwrap(),
                    Outgoing::Binary(_) => panic!("binary"),
                })
                .collect()
        }
    }

    fn fps(n: usize) -> Vec<String> {
        let mut v: Vec<String> = (0..n).map(|_| Identity::generate().unwrap().fingerprint().to_string()).collect();
        v.sort();
        v
    }

    fn hub_with(parties: &[String], room: usize) -> (Hub<Recorder>, Vec<Recorder>) {
        let mut hub = Hub::new(Limits { max_rooms_per_identity: 2, ..Limits::default() }, 1 << 20);
        let pool = Rc::new(Pool { limit: Cell::new(usize::MAX), used: Cell::new(0) });
        let peers: Vec<Recorder> = parties.iter().map(|_| Recorder { room, pool: pool.clone(), ..Recorder::default() }).collect();
        for (i, (fp, peer)) in parties.iter().zip(&peers).enumerate() {
            assert!(hub.connect(i as ConnId, peer.clone()));
            hub.authenticate(i as ConnId, fp.clone());
        }
        (hub, peers)
    }

    #[test]
    fn presence_follows_joins_and_leaves_in_party_order() {
        let parties = fps(3);
        let (mut hub, peers) = hub_with(&parties, 100);
        let now = Instant::now();
        assert_eq!(hub.join(2, "s", Admission::Listed(parties.clone()), None, now, false), Ok(Joined::Created));
        assert_eq!(hub.join(0, "s", Admission::Listed(parties.clone()), None, now, false), Ok(Joined::Entered));
        let both = vec![parties[0].clone(), parties[2].clone()];
        assert_eq!(peers[0].take(), vec![ServerMessage::Joined { room: "s".into(), present: both.clone() }]);
        assert_eq!(peers[2].take().last(), Some(&ServerMessage::Presence { room: "s".into(), present: both }));
        assert_eq!(hub.leave(2, "s"), Ok(false));
        assert_eq!(peers[0].take(), vec![ServerMessage::Presence { room: "s".into(), present: vec![parties[0].clone()] }]);
        assert_eq!(hub.disconnect(0), vec!["s".to_string()]);
        assert_eq!((hub.rooms(), hub.rooms_of.len()), (0, 0));
    }

    #[test]
    fn a_full_queue_ends_only_the_slow_client() {
        let parties = fps(2);
        let (mut hub, peers) = hub_with(&parties, 1);
        let now = Instant::now();
        hub.join(0, "s", Admission::Listed(parties.clone()), None, now, false).unwrap();
        hub.join(1, "s", Admission::Listed(parties.clone()), None, now, false).unwrap();
        // Peer 0 holds `joined` and has no room for the presence update.
        assert_eq!(*peers[0].ended.borrow(), Some(ErrorCode::QueueFull));
        assert_eq!(*peers[1].ended.borrow(), None);
    }

    #[test]
    fn rooms_expire_and_tell_their_members() {
        let parties = fps(2);
        let (mut hub, peers) = hub_with(&parties, 100);
        let now = Instant::now();
        hub.join(0, "s", Admission::Listed(parties.clone()), None, now, false).unwrap();
        peers[0].take();
        assert!(hub.expire(now).is_empty());
        assert_eq!(hub.expire(now + Duration::from_secs(hub.limits.room_lifetime_secs)), vec!["s".to_string()]);
        assert!(matches!(peers[0].take()[..], [ServerMessage::Error { code: ErrorCode::UnknownRoom, .. }]));
        assert_eq!((hub.rooms(), hub.rooms_of.len()), (0, 0));
    }

    #[test]
    fn bad_room_ids_and_party_lists_are_refused() {
        let parties = fps(2);
        let (mut hub, _) = hub_with(&parties, 100);
        let now = Instant::now();
        let code = |r: Result<Joined, Refusal>| r.unwrap_err().code;
        assert_eq!(code(hub.join(0, "", Admission::Listed(parties.clone()), None, now, false)), ErrorCode::BadMessage);
        assert_eq!(code(hub.join(0, &"x".repeat(129), Admission::Listed(parties.clone()), None, now, false)), ErrorCode::BadMessage);
        assert_eq!(code(hub.join(0, "a b", Admission::Listed(parties.clone()), None, now, false)), ErrorCode::BadMessage);
        assert_eq!(code(hub.join(0, "s", Admission::Listed(vec![parties[0].clone()]), None, now, false)), ErrorCode::BadMessage);
        assert_eq!(
            code(hub.join(0, "s", Admission::Listed(vec![parties[0].clone(), parties[0].clone()]), None, now, false)),
            ErrorCode::BadMessage
        );
        assert_eq!(
            code(hub.join(0, "s", Admission::Listed(vec![parties[0].clone(), parties[1].to_uppercase()]), None, now, false)),
            ErrorCode::BadMessage
        );
        assert_eq!(hub.rooms(), 0);
    }

    #[test]
    fn tokens_must_admit_to_the_room_and_refusals_change_nothing() {
        let parties = fps(2);
        let (mut hub, peers) = hub_with(&parties, 100);
        let now = Instant::now();
        let token = AdmissionToken::generate().unwrap();
        let (room, good) = (token.session(), token.to_hex());
        let other = AdmissionToken::generate().unwrap().to_hex();
        let code = |r: Result<Joined, Refusal>| r.unwrap_err().code;
        assert_eq!(code(hub.join(0, &room, Admission::Open(2), Some(&other), now, false)), ErrorCode::BadToken);
        assert_eq!(code(hub.join(0, &room, Admission::Open(2), Some("zz"), now, false)), ErrorCode::BadToken);
        assert_eq!(code(hub.join(0, &room, Admission::Open(2), None, now, false)), ErrorCode::BadToken);
        assert_eq!(code(hub.join(0, "lobby", Admission::Open(2), None, now, false)), ErrorCode::BadToken);
        assert_eq!(code(hub.join(0, &room, Admission::Listed(parties.clone()), None, now, false)), ErrorCode::BadToken);
        assert_eq!((hub.rooms(), hub.rooms_of.len()), (0, 0));
        assert!(peers[0].take().is_empty());
        assert_eq!(hub.join(0, &room, Admission::Open(2), Some(&good), now, false), Ok(Joined::Created));
        // Listed rooms with a free-form id need no token.
        assert_eq!(hub.join(1, "by-keys", Admission::Listed(parties.clone()), None, now, false), Ok(Joined::Created));
    }

    #[test]
    fn over_the_server_budget_the_client_with_most_unread_goes_first() {
        let parties = fps(3);
        let (mut hub, peers) = hub_with(&parties, 100);
        let now = Instant::now();
        for id in 0..3 {
            hub.join(id, "s", Admission::Listed(parties.clone()), None, now, false).unwrap();
        }
        peers.iter().for_each(|p| drop(p.take()));
        let (fp0, fp1) = (&parties[0], &parties[1]);
        // Party 2 does not read: 3 frames of 1,000 bytes wait for it.
        for _ in 0..3 {
            hub.relay(0, &protocol::encode_relay("s", &parties[2], &[0; 1000]).unwrap()).unwrap();
        }
        peers[0].pool.limit.set(peers[0].pool.used.get() + 50);
        // A small frame to party 1 would go over the budget: party 2 is
        // ended and its queue dropped, and party 1 gets the frame.
        hub.relay(2, &protocol::encode_relay("s", fp1, &[1; 100]).unwrap()).unwrap();
        assert_eq!(*peers[2].ended.borrow(), Some(ErrorCode::QueueFull));
        assert_eq!(*peers[1].ended.borrow(), None);
        assert_eq!(peers[1].got.borrow().len(), 1);
        // With nothing left to free (party 1 read its frame), the recipient
        // that cannot be served goes.
        peers[1].read_all();
        peers[0].read_all();
        peers[0].pool.limit.set(peers[0].pool.used.get());
        hub.relay(1, &protocol::encode_relay("s", fp0, &[2; 100]).unwrap()).unwrap();
        assert_eq!(*peers[0].ended.borrow(), Some(ErrorCode::QueueFull));
    }

    #[test]
    fn a_busy_server_opens_no_rooms_but_existing_ones_carry_on() {
        let parties = fps(2);
        let (mut hub, _) = hub_with(&parties, 100);
        let now = Instant::now();
        hub.join(0, "s", Admission::Listed(parties.clone()), None, now, false).unwrap();
        let refused = hub.join(0, "t", Admission::Listed(parties.clone()), None, now, true).unwrap_err();
        assert_eq!(refused.code, ErrorCode::ServerBusy);
        assert!(!refused.is_fatal());
        assert_eq!(hub.join(1, "s", Admission::Listed(parties.clone()), None, now, true), Ok(Joined::Entered));
        assert_eq!(hub.rooms(), 1);
    }
}
