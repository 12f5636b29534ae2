import MiniKit

/// What happens to the state: keys, a new terminal size.
public enum ShellAction: Sendable, Hashable {
    case key(Key)
    case resized(width: Int, height: Int)
    /// The agent applied a catalog (or learned the server is gone): the services and the sync state now.
    case catalog([ShellState.Service], ShellState.SyncStatus)
    /// Something the user must read: a service was taken down.
    case notice(ShellState.Notice)
    /// Fresh details for the QA panel.
    case diagnostics(ShellState.Diagnostics)
    /// Fresh data for the settings screen.
    case settings(ShellState.Settings)
    /// A mini-program opened, or its page or title changed.
    case container(ShellState.Container)
    /// The mini-program closed (itself, the user, or a recall).
    case containerClosed
    /// A message to show for a moment.
    case toast(String)
    /// One of the shell's own messages, shown as a toast in the screens' language.
    case notify(Strings.Key)
    /// A service did not open: why, said in the screens' language.
    case refused(ShellState.Refusal)
    /// The signed-in user's payments (at sign-in, and after each one): home shows the balances and the history.
    case payments([DemoBank.Payment])
    /// The customer's favourite and recently used services, newest first.
    case shortcuts(favourites: [String], recents: [String])
    /// The host's brand from its catalog (nil: the shell's own look).
    case brand(ShellState.Brand?)
    /// The host asks the user something for the running mini-program.
    case dialog(appId: String, ShellState.Dialog)
}

/// What the loop does for the reducer, off the state: leave, or start the user's session.
public enum ShellEffect: Sendable, Hashable {
    case quit
    /// A user signed in: the loop starts their sync agent.
    case signedIn(DemoBank.User)
    case signedOut
    /// Allow or deny a mini-program's sensitive scope for the signed-in user (an open mini-program is told).
    case setPermission(app: String, scope: String, granted: Bool)
    /// Delete the downloaded packages (the agent fetches what the catalog lists again).
    case clearCache
    /// Settings opened: read permissions and storage afresh (a mini-program may have changed them).
    case refreshSettings
    /// Open a service from the service centre.
    case open(appId: String)
    /// A key for the running mini-program.
    case input(ContainerInput)
    /// The user's answer to the dialog.
    case answer(DialogAnswer)
    /// Close the running mini-program.
    case close
    /// Start the running mini-program again from its entry page.
    case reload
    /// The terminal is now this size: the running mini-program lays its page out again.
    case resized(width: Int, height: Int)
    /// Add a service to the customer's favourites, or take it off.
    case setFavourite(appId: String, Bool)
    /// Send a complaint about the running mini-program to the platform.
    case complain(appId: String, reason: ComplaintForm.Reason, text: String)
}

/// A key for a running mini-program, in MiniKit's terms.
public typealias ContainerInput = RuntimeInput
