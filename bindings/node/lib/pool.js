'use strict';
// Worker threads that make the blocking calls, so the event loop never waits for the
// network. A job is one native call and its follow-up reads on one thread (see worker.js).
// Not koffi's fn.async: it runs calls on libuv's small shared thread pool (4 threads by
// default, also used by fs and dns), where a wait of minutes would starve the process, and
// on whichever pool thread is free, so the thread-local last error could not be read
// after it with certainty.
//
// One worker per call in flight (a wait holds its worker for as long as it waits); up to
// MAX_IDLE idle ones are kept for the next calls. A worker is referenced only while it runs
// a job, so idle workers never keep the process alive; terminateIdle() ends them
// (TerminalClient.close() does, once no client is open).
const path = require('node:path');
const { Worker } = require('node:worker_threads');

const WORKER = path.join(__dirname, 'worker.js');
/** Idle workers kept for the next calls; more are ended as their jobs finish. */
const MAX_IDLE = 4;

class Pool {
  constructor(file) {
    this.file = file;
    this.idle = [];
    this.all = new Set();
    this.nextId = 1;
  }

  /** Runs one job; resolves with the worker's reply ({value} or {error}). */
  run(op, args) {
    return new Promise((resolve, reject) => {
      const worker = this.idle.pop() || this.spawn();
      worker.ref();
      const id = this.nextId++;
      worker.job = { id, resolve, reject };
      worker.postMessage({ id, op, args });
    });
  }

  spawn() {
    const worker = new Worker(WORKER, { workerData: { file: this.file } });
    worker.job = null;
    this.all.add(worker);
    worker.on('message', (reply) => {
      const job = worker.job;
      worker.job = null;
      worker.unref();
      if (this.idle.length < MAX_IDLE) {
        this.idle.push(worker);
      } else {
        this.all.delete(worker);
        worker.terminate();
      }
      if (!job || job.id !== reply.id) return;
      if (reply.crash !== undefined) {
        job.reject(new Error(`the native call failed in its worker thread: ${reply.crash}`));
      } else {
        job.resolve(reply);
      }
    });
    const lost = (why) => {
      this.all.delete(worker);
      this.idle = this.idle.filter((w) => w !== worker);
      const job = worker.job;
      worker.job = null;
      if (job) job.reject(new Error(`the worker thread of a native call stopped: ${why}`));
    };
    worker.on('error', (e) => lost(e && e.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    return worker;
  }

  /** Ends every worker that is not running a job. */
  terminateIdle() {
    const idle = this.idle;
    this.idle = [];
    for (const worker of idle) {
      this.all.delete(worker);
      worker.terminate();
    }
  }
}

module.exports = { Pool };
