//! Driving a party's program: a sans-IO state machine.
//!
//! A [`Session`] owns one party's program (a future over a [`Runtime`]) and
//! tells its driver what to do next: send these round messages, wait for
//! these peers, or done. The driver owns the I/O — an in-memory network in
//! tests ([`crate::local`]), TCP in the CLI, WebRTC data channels in the
//! browser — and feeds received messages back with
//! [`Session::handle_message`]. Nothing here blocks, spawns or reads a clock.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::rc::Rc;

use crate::runtime::{Config, Runtime, Stats};
use crate::{AsyncTransport, Blocking, Error, PartyId, Result, Transport, block_on};

/// What a [`Session`] needs from its driver next.
#[derive(Debug)]
pub enum Step<T> {
    /// Send each message to its party (one per peer, in any order), then
    /// call [`Session::poll`] again.
    Send(Vec<(PartyId, Vec<u8>)>),
    /// Deliver the next message from each of these parties with
    /// [`Session::handle_message`], then call [`Session::poll`] again.
    Receive(Vec<PartyId>),
    /// The program finished, with its result or the error that ended it.
    Done(Result<T>),
}

type Task<T> = Pin<Box<dyn Future<Output = Result<T>>>>;

/// One party's run of a program.
pub struct Session<T> {
    rt: Rc<Runtime>,
    task: Option<Task<T>>,
    needs_poll: bool,
}

impl<T: 'static> Session<T> {
    /// Starts party `config.id`'s side of `program`. The session first sets up
    /// PRSS keys (one round), then runs the program.
    pub fn new<F, Fut>(config: &Config, program: F) -> Result<Self>
    where
        F: FnOnce(Rc<Runtime>) -> Fut,
        Fut: Future<Output = Result<T>> + 'static,
    {
        let rt = Rc::new(Runtime::new(config)?);
        let setup_rt = rt.clone();
        let body = program(rt.clone());
        let task = Box::pin(async move {
            setup_rt.setup().await?;
            body.await
        });
        Ok(Session { rt, task: Some(task), needs_poll: true })
    }

    /// The runtime the program runs on.
    pub fn runtime(&self) -> &Rc<Runtime> {
        &self.rt
    }

    /// Communication so far.
    pub fn stats(&self) -> Stats {
        self.rt.stats()
    }

    /// Advances the program as far as it can go without new messages.
    pub fn poll(&mut self) -> Step<T> {
        loop {
            let completed = self.rt.rounds.borrow_mut().try_complete();
            match completed {
                Ok(true) => self.needs_poll = true,
                Ok(false) => {}
                Err(e) => self.fail(e),
            }
            if self.needs_poll {
                self.needs_poll = false;
                let Some(task) = self.task.as_mut() else {
                    return Step::Done(Err(Error::Internal("session polled after it finished".into())));
                };
                if let Poll::Ready(result) = task.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
                    self.task = None;
                    return Step::Done(result);
                }
            }
            let mut rounds = self.rt.rounds.borrow_mut();
            if rounds.has_pending_steps() {
                let msgs = rounds.flush();
                if msgs.is_empty() {
                    continue; // a single party: the round completes at once
                }
                return Step::Send(msgs);
            }
            if rounds.in_flight() {
                let missing = rounds.missing();
                if missing.is_empty() {
                    continue;
                }
                return Step::Receive(missing);
            }
            drop(rounds);
            self.fail(Error::Internal("the program waits on something other than the network".into()));
        }
    }

    /// Queues a message that arrived from party `from`. Malformed messages
    /// are detected when their round completes and end the session.
    pub fn handle_message(&mut self, from: PartyId, msg: Vec<u8>) -> Result<()> {
        let delivered = self.rt.rounds.borrow_mut().deliver(from, msg);
        if let Err(e) = &delivered {
            self.fail(e.clone());
        }
        delivered
    }

    /// Ends the session with `err` (a transport failure, a timeout, a
    /// cancellation): the program's pending steps fail with it.
    pub fn fail(&mut self, err: Error) {
        self.rt.rounds.borrow_mut().fail(err);
        self.needs_poll = true;
    }
}

/// Runs a session to completion over a blocking transport. A transport error
/// ends the session with that error.
pub fn run_blocking<T: 'static>(session: &mut Session<T>, transport: &mut impl Transport) -> Result<T> {
    block_on(run_async(session, &mut Blocking(transport)))
}

/// Runs a session to completion over an async transport. A transport error
/// ends the session with that error.
pub async fn run_async<T: 'static>(session: &mut Session<T>, transport: &mut impl AsyncTransport) -> Result<T> {
    run_async_observed(session, transport, |_| {}).await
}

/// [`run_async`], calling `on_round(rounds)` whenever rounds have completed,
/// with the number completed so far ([`Stats::rounds`], the key set-up
/// round included): at most once per poll, so at most once per round.
pub async fn run_async_observed<T: 'static>(
    session: &mut Session<T>,
    transport: &mut impl AsyncTransport,
    mut on_round: impl FnMut(u64),
) -> Result<T> {
    let mut seen = 0;
    loop {
        let step = session.poll();
        let rounds = session.stats().rounds;
        if rounds > seen {
            seen = rounds;
            on_round(rounds);
        }
        let io = match step {
            Step::Done(result) => return result,
            Step::Send(msgs) => msgs.into_iter().try_for_each(|(to, msg)| transport.send(to, msg)).map_err(Error::from),
            Step::Receive(peers) => {
                let mut received = Ok(());
                for from in peers {
                    received = match transport.recv(from).await {
                        Ok(msg) => session.handle_message(from, msg),
                        Err(e) => Err(e.into()),
                    };
                    if received.is_err() {
                        break;
                    }
                }
                received
            }
        };
        if let Err(e) = io {
            session.fail(e);
        }
    }
}
