//! A full mesh of secure channels over any message transport, opened all
//! at once over that transport ([`SecureMesh::establish`]) or one peer at a
//! time over each connection as it is set up ([`handshake_peer`], then
//! [`SecureMesh::from_channels`]).

use cohort_transport::{AsyncTransport, Blocking, PartyId, Result, Transport, TransportError, block_on};

use crate::channel::SecureChannel;
use crate::error::{ChannelError, MeshError};
use crate::handshake::{self, Initiator, Responder};
use crate::identity::{Identity, PublicKey};
use crate::transcript::Transcript;

/// Secure channels to every peer over a transport that delivers whole
/// messages in order (TCP frames, data-channel messages, a relay). Party `i`
/// initiates the handshakes with the parties after it and answers those
/// before it; all handshakes run side by side in three steps, so no party
/// waits for another in a cycle.
pub struct SecureMesh<T> {
    inner: T,
    channels: Vec<Option<SecureChannel>>,
    peers: Vec<Option<PublicKey>>,
}

fn misbehaved(party: PartyId, e: ChannelError) -> TransportError {
    TransportError::Misbehaved { party, reason: e.to_string() }
}

fn handshake_failed(party: PartyId) -> impl FnOnce(ChannelError) -> MeshError {
    move |source| MeshError::Handshake { party, source }
}

/// The handshakes' outcome: a channel and a proven key per peer.
type Handshakes = (Vec<Option<SecureChannel>>, Vec<Option<PublicKey>>);

/// Checks that `identity` holds seat `me` of the session.
fn check_seat(me: PartyId, identity: &Identity, transcript: &Transcript) -> Result<(), MeshError> {
    let parties = transcript.parties();
    if me >= parties.len() {
        return Err(MeshError::NoSeat { me, parties: parties.len() });
    }
    if parties[me] != identity.fingerprint() {
        return Err(MeshError::NotThisParty { me, identity: identity.fingerprint(), listed: parties[me].clone() });
    }
    Ok(())
}

/// Runs the handshake between this party, `me`, and `peer` alone, over
/// `link`, a transport that reaches `peer` (a TCP connection being set up,
/// as `cohort_net::TcpMesh` authenticates them): the lower-numbered party
/// initiates, as in [`SecureMesh::establish`], and the channel is bound to
/// the same transcript and roles. Returns the channel and the key `peer`
/// proved, for [`SecureMesh::from_channels`]; fails unless `peer` proved
/// the key `transcript` lists for it.
pub fn handshake_peer(
    link: &mut impl Transport,
    me: PartyId,
    peer: PartyId,
    identity: &Identity,
    transcript: &Transcript,
) -> Result<(SecureChannel, PublicKey), MeshError> {
    check_seat(me, identity, transcript)?;
    let parties = transcript.parties();
    if peer == me || peer >= parties.len() {
        return Err(MeshError::Transport(TransportError::NoSuchParty { party: peer }));
    }
    if me < peer {
        let (state, msg1) = handshake::initiate(&parties[peer], &transcript.prologue(me, peer)).map_err(handshake_failed(peer))?;
        link.send(peer, msg1)?;
        let msg2 = link.recv(peer)?;
        let (msg3, channel, key) = state.finish(identity, &msg2).map_err(handshake_failed(peer))?;
        link.send(peer, msg3)?;
        Ok((channel, key))
    } else {
        let msg1 = link.recv(peer)?;
        let (state, msg2) =
            handshake::respond(identity, &parties[peer], &transcript.prologue(peer, me), &msg1).map_err(handshake_failed(peer))?;
        link.send(peer, msg2)?;
        let msg3 = link.recv(peer)?;
        state.finish(&msg3).map_err(handshake_failed(peer))
    }
}

impl<T: Transport> SecureMesh<T> {
    /// Runs the handshakes with every peer of the session `transcript`
    /// describes, as party `me` with `identity`.
    pub fn establish(mut inner: T, me: PartyId, identity: &Identity, transcript: &Transcript) -> Result<Self, MeshError> {
        let (channels, peers) = block_on(handshakes(&mut Blocking(&mut inner), me, identity, transcript))?;
        Ok(SecureMesh { inner, channels, peers })
    }
}

impl<T> SecureMesh<T> {
    /// A mesh of channels opened one peer at a time with [`handshake_peer`],
    /// over `inner`, which carries the frames of the same connections:
    /// `channels[j]` is party `j`'s channel and proven key (`None` for this
    /// party, `me`). Fails if a peer has none.
    pub fn from_channels(inner: T, me: PartyId, channels: Vec<Option<(SecureChannel, PublicKey)>>) -> Result<Self, MeshError> {
        let m = channels.len();
        if me >= m {
            return Err(MeshError::NoSeat { me, parties: m });
        }
        if let Some(party) = (0..m).find(|&j| j != me && channels[j].is_none()) {
            return Err(MeshError::NoChannel { party });
        }
        let (channels, peers) = channels.into_iter().enumerate().map(|(j, c)| if j == me { (None, None) } else { c.unzip() }).unzip();
        Ok(SecureMesh { inner, channels, peers })
    }
}

impl<T: AsyncTransport> SecureMesh<T> {
    /// [`SecureMesh::establish`] over a transport whose receives wait.
    pub async fn establish_async(mut inner: T, me: PartyId, identity: &Identity, transcript: &Transcript) -> Result<Self, MeshError> {
        let (channels, peers) = handshakes(&mut inner, me, identity, transcript).await?;
        Ok(SecureMesh { inner, channels, peers })
    }
}

/// Runs the handshakes with every peer, in the four steps that keep any
/// party from waiting for another in a cycle.
async fn handshakes(
    inner: &mut impl AsyncTransport,
    me: PartyId,
    identity: &Identity,
    transcript: &Transcript,
) -> Result<Handshakes, MeshError> {
    check_seat(me, identity, transcript)?;
    let parties = transcript.parties();
    let m = parties.len();
    let mut initiators: Vec<Option<Initiator>> = (0..m).map(|_| None).collect();
    let mut responders: Vec<Option<Responder>> = (0..m).map(|_| None).collect();
    let mut channels: Vec<Option<SecureChannel>> = (0..m).map(|_| None).collect();
    let mut peers = vec![None; m];
    // 1. Message 1 to every later party.
    for j in me + 1..m {
        let (state, msg1) = handshake::initiate(&parties[j], &transcript.prologue(me, j)).map_err(handshake_failed(j))?;
        inner.send(j, msg1)?;
        initiators[j] = Some(state);
    }
    // 2. Answer every earlier party's message 1.
    for j in 0..me {
        let msg1 = inner.recv(j).await?;
        let (state, msg2) = handshake::respond(identity, &parties[j], &transcript.prologue(j, me), &msg1).map_err(handshake_failed(j))?;
        inner.send(j, msg2)?;
        responders[j] = Some(state);
    }
    // 3. Finish with every later party.
    for j in me + 1..m {
        let msg2 = inner.recv(j).await?;
        let state = initiators[j].take().expect("initiated in step 1");
        let (msg3, channel, key) = state.finish(identity, &msg2).map_err(handshake_failed(j))?;
        inner.send(j, msg3)?;
        channels[j] = Some(channel);
        peers[j] = Some(key);
    }
    // 4. Finish with every earlier party.
    for j in 0..me {
        let msg3 = inner.recv(j).await?;
        let state = responders[j].take().expect("answered in step 2");
        let (channel, key) = state.finish(&msg3).map_err(handshake_failed(j))?;
        channels[j] = Some(channel);
        peers[j] = Some(key);
    }
    Ok((channels, peers))
}

impl<T> SecureMesh<T> {
    /// Splits every channel's messages into chunks of at most `chunk` bytes
    /// (see [`SecureChannel::with_chunk`]).
    pub fn with_chunk(mut self, chunk: usize) -> Self {
        self.channels = self.channels.into_iter().map(|c| c.map(|c| c.with_chunk(chunk))).collect();
        self
    }

    /// Refuses any message over `max` bytes, from or to any peer (see
    /// [`SecureChannel::with_max_message`]): a peer that sends more
    /// misbehaves.
    pub fn with_max_message(mut self, max: usize) -> Self {
        self.channels = self.channels.into_iter().map(|c| c.map(|c| c.with_max_message(max))).collect();
        self
    }

    /// The public key party `j` proved (`None` for this party).
    pub fn peer_key(&self, j: PartyId) -> Option<PublicKey> {
        self.peers.get(j).copied().flatten()
    }

    /// Seals `msg` for party `to` into frames.
    fn seal(&mut self, to: PartyId, msg: &[u8]) -> Result<Vec<Vec<u8>>> {
        self.channel(to)?.seal(msg).map_err(|e| TransportError::io(format!("sealing a message for party {to}"), e))
    }

    /// Opens the next frame from `from` (or the transport's error): a whole
    /// message, or `None` while a message is still arriving in chunks.
    fn open(&mut self, from: PartyId, frame: Result<Vec<u8>>) -> Result<Option<Vec<u8>>> {
        let channel = self.channel(from)?;
        match frame {
            // A stream that ended inside a message was truncated.
            Err(e) => Err(channel.end_of_stream().err().map_or(e, |t| misbehaved(from, t))),
            Ok(frame) => channel.open(&frame).map_err(|e| misbehaved(from, e)),
        }
    }

    fn channel(&mut self, j: PartyId) -> Result<&mut SecureChannel> {
        self.channels.get_mut(j).and_then(Option::as_mut).ok_or(TransportError::NoSuchParty { party: j })
    }
}

impl<T: Transport> Transport for SecureMesh<T> {
    fn send(&mut self, to: PartyId, msg: Vec<u8>) -> Result<()> {
        let frames = self.seal(to, &msg)?;
        frames.into_iter().try_for_each(|f| self.inner.send(to, f))
    }

    fn recv(&mut self, from: PartyId) -> Result<Vec<u8>> {
        self.channel(from)?;
        loop {
            let frame = self.inner.recv(from);
            if let Some(msg) = self.open(from, frame)? {
                return Ok(msg);
            }
        }
    }
}

impl<T: AsyncTransport> AsyncTransport for SecureMesh<T> {
    fn send(&mut self, to: PartyId, msg: Vec<u8>) -> Result<()> {
        let frames = self.seal(to, &msg)?;
        frames.into_iter().try_for_each(|f| self.inner.send(to, f))
    }

    async fn recv(&mut self, from: PartyId) -> Result<Vec<u8>> {
        self.channel(from)?;
        loop {
            let frame = self.inner.recv(from).await;
            if let Some(msg) = self.open(from, frame)? {
                return Ok(msg);
            }
        }
    }
}
