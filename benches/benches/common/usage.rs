//! CPU time from the kernel: of the process (`getrusage`), of the calling thread and of another
//! thread (per-thread CPU clocks), and what one measured loop of calls cost.
//!
//! It needs only `std` and `libc`, so that the aws-sdk-ssm baseline (`benches/ssm-baseline`, a
//! crate of its own outside the workspace) includes this same file and measures its calls
//! exactly as `cpu_per_call` does.

use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// User and system CPU time from `getrusage`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Usage {
    pub user: Duration,
    pub system: Duration,
    pub voluntary_switches: i64,
    pub involuntary_switches: i64,
}

impl Usage {
    pub fn total(&self) -> Duration {
        self.user + self.system
    }

    pub fn since(&self, earlier: &Usage) -> Usage {
        Usage {
            user: self.user.saturating_sub(earlier.user),
            system: self.system.saturating_sub(earlier.system),
            voluntary_switches: self.voluntary_switches - earlier.voluntary_switches,
            involuntary_switches: self.involuntary_switches - earlier.involuntary_switches,
        }
    }
}

#[allow(unsafe_code)]
fn rusage(who: libc::c_int) -> Usage {
    // SAFETY: an all-zero `rusage` is valid, and getrusage only writes into it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid, writable `rusage`.
    let status = unsafe { libc::getrusage(who, &mut usage) };
    assert_eq!(status, 0, "getrusage");
    let time = |value: libc::timeval| {
        Duration::from_secs(value.tv_sec as u64) + Duration::from_micros(value.tv_usec as u64)
    };
    Usage {
        user: time(usage.ru_utime),
        system: time(usage.ru_stime),
        voluntary_switches: usage.ru_nvcsw,
        involuntary_switches: usage.ru_nivcsw,
    }
}

/// The whole process, every thread.
pub fn process_usage() -> Usage {
    rusage(libc::RUSAGE_SELF)
}

/// The calling thread only.
pub fn thread_usage() -> Usage {
    rusage(libc::RUSAGE_THREAD)
}

pub fn process_cpu() -> Duration {
    process_usage().total()
}

#[allow(unsafe_code)]
fn clock_time(clock: libc::clockid_t) -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable `timespec`.
    let status = unsafe { libc::clock_gettime(clock, &mut now) };
    assert_eq!(status, 0, "clock_gettime");
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// CPU time of the calling thread, to the nanosecond.
pub fn thread_cpu() -> Duration {
    clock_time(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// CPU time another thread of this process has used so far.
#[allow(unsafe_code)]
pub fn thread_cpu_of<T>(thread: &JoinHandle<T>) -> Duration {
    use std::os::unix::thread::JoinHandleExt;
    let mut clock: libc::clockid_t = 0;
    // SAFETY: the thread has not been joined (the handle is borrowed), so its id is valid;
    // `clock` is a valid out-pointer.
    let status = unsafe { libc::pthread_getcpuclockid(thread.as_pthread_t(), &mut clock) };
    assert_eq!(status, 0, "pthread_getcpuclockid");
    clock_time(clock)
}

pub fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

/// What a loop of calls made on the calling thread cost, with a server on another thread of the
/// same process: wall time, the process's CPU, and its split between the two threads.
pub struct CallLoop {
    calls: usize,
    wall: Duration,
    process: Usage,
    client_cpu: Duration,
    client_thread: Usage,
    server_cpu: Duration,
}

impl CallLoop {
    /// Runs `calls` (which makes `calls` calls on this thread) and measures it; `server_cpu`
    /// reads the server thread's CPU clock.
    pub fn measure(calls: usize, server_cpu: impl Fn() -> Duration, run: impl FnOnce()) -> Self {
        let process_before = process_usage();
        let client_thread_before = thread_usage();
        let client_cpu_before = thread_cpu();
        let server_cpu_before = server_cpu();
        let started = Instant::now();
        run();
        let wall = started.elapsed();
        CallLoop {
            calls,
            server_cpu: server_cpu() - server_cpu_before,
            client_cpu: thread_cpu() - client_cpu_before,
            client_thread: thread_usage().since(&client_thread_before),
            process: process_usage().since(&process_before),
            wall,
        }
    }

    /// The `RESULT` line `cargo xtask bench` reads: every figure in µs per call.
    pub fn result_line(&self) -> String {
        let calls = self.calls;
        let per_call = |duration: Duration| micros(duration) / calls as f64;
        let other = self
            .process
            .total()
            .saturating_sub(self.client_cpu)
            .saturating_sub(self.server_cpu);
        format!(
            "RESULT calls={calls} wall_us={:.2} calls_per_s={:.0} process_cpu_us={:.2} \
             process_user_us={:.2} process_sys_us={:.2} client_thread_cpu_us={:.2} \
             client_thread_user_us={:.2} client_thread_sys_us={:.2} server_thread_cpu_us={:.2} \
             other_threads_cpu_us={:.2} voluntary_switches_per_call={:.2} \
             involuntary_switches_per_call={:.3}",
            per_call(self.wall),
            calls as f64 / self.wall.as_secs_f64(),
            per_call(self.process.total()),
            per_call(self.process.user),
            per_call(self.process.system),
            per_call(self.client_cpu),
            per_call(self.client_thread.user),
            per_call(self.client_thread.system),
            per_call(self.server_cpu),
            per_call(other),
            self.process.voluntary_switches as f64 / calls as f64,
            self.process.involuntary_switches as f64 / calls as f64,
        )
    }
}
