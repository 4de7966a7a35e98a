namespace Flowdesk.Web.Components.Console;

/// <summary>A result that may be absent, for <see cref="Live.CircuitCaller.WithAccessAsync{T}"/> whose own null means "signed out".</summary>
public sealed record Maybe<T>(T? Value) where T : class;
