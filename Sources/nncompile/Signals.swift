import Dispatch
import Foundation
import NNCompileKit
import Synchronization

/// SIGINT and SIGTERM, for every command: whatever output is being written is undone
/// (`PendingWrites`: no staging folder or temporary file remains, a replaced output is as it
/// was), then the process exits 130 or 143.
///
/// While `train` runs its loop (`install`), the first Ctrl-C instead only asks the loop to stop
/// after the current mini-batch (checked through an atomic flag, `requested`), so the best model
/// so far is written; a second one, or SIGTERM, stops at once.
enum Interrupt {
  private static let stopRequested = Atomic<Bool>(false)
  private static let trainingListens = Atomic<Bool>(false)
  nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

  /// At start-up, before any command runs. The handlers run on a dispatch queue, not in signal
  /// context, so they may take locks and touch the file system.
  static func handleSignals() {
    _ = stopRequested.load(ordering: .relaxed)  // initialise the globals before any signal can arrive
    _ = trainingListens.load(ordering: .relaxed)
    for (number, status) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
      // A signal the parent set to be ignored (`nohup`, a background job of a script) stays so.
      let inherited = signal(number, SIG_IGN)
      if unsafeBitCast(inherited, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { continue }
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler {
        if number == SIGINT && trainingListens.exchange(false, ordering: .relaxed) {
          stopRequested.store(true, ordering: .relaxed)
        } else {
          PendingWrites.undoAllAndExit(status)
        }
      }
      source.resume()
      sources.append(source)
    }
  }

  /// train: from now on the first Ctrl-C asks the training loop to stop.
  static func install() { trainingListens.store(true, ordering: .relaxed) }

  /// train, once the loop has ended: Ctrl-C stops at once again.
  static func uninstall() { trainingListens.store(false, ordering: .relaxed) }

  static func requested() -> Bool { stopRequested.load(ordering: .relaxed) }
}
