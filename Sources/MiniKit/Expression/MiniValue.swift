import MiniSupport

/// A value in a mini-program: page data, expression results, host API arguments and results. It has exactly
/// JSON's shape, so it is the support library's ``JSONValue``.
public typealias MiniValue = JSONValue
