/// The customer's answer to a host dialog, for the mini-program's waiting call.
public enum DialogAnswer: Sendable, Hashable {
    /// Allow or Deny, OK or Cancel; a payment's cancel.
    case decided(Bool)
    /// A payment: the typed PIN (checked by the host, never shown to the mini-program) and the chosen account.
    case pay(pin: String, account: Int)
}
