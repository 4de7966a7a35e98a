namespace Flowdesk.Outbox;

/// <summary>
/// Delivers one kind of outbox message ("notification", "email", "chat", "webhook"). The outbox worker picks the
/// delivery whose <see cref="Kind"/> matches the message, in a fresh service scope.
/// Return normally when delivered; throw to have the worker retry with back-off; throw
/// <see cref="PermanentDeliveryException"/> when retrying cannot help (the message goes to the dead-letter state at once).
/// </summary>
public interface IOutboxDelivery
{
    string Kind { get; }

    /// <summary>
    /// Why this delivery cannot send anything now (its settings are missing), or null when it can. Messages of its
    /// kind then wait unclaimed, with this as their error, and no attempt is spent on them.
    /// </summary>
    string? Unavailable => null;

    Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken);
}

/// <summary>A delivery failure that retrying cannot fix (a malformed payload, an address that does not exist).</summary>
public sealed class PermanentDeliveryException(string message, Exception? inner = null) : Exception(message, inner);
