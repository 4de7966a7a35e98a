using System.Collections.Immutable;
using System.Threading.Channels;

namespace Flowdesk.Live;

/// <summary>A ticket's row changed and the change is committed: its desk, status and version after the change.</summary>
public sealed record TicketChange(Guid TicketId, Guid DeskId, string Status, int Version);

/// <summary>
/// The in-process change feed of one web node: <see cref="TicketChangeInterceptor"/> publishes committed ticket
/// changes, open consoles and boards subscribe. It carries no ticket data a viewer could be shown; each viewer
/// reads only the ids through <see cref="ViewerFeed"/>, which re-checks access. Several web nodes will need a
/// backplane (PostgreSQL LISTEN/NOTIFY or Redis) that feeds every node's instance (docs/decisions.md).
/// </summary>
public sealed class TicketChangeFeed
{
    /// <summary>Changes a subscriber may fall behind by before it is told to reload everything.</summary>
    public const int Capacity = 1024;

    readonly Lock gate = new();
    ImmutableArray<Subscription> subscribers = [];

    public int SubscriberCount => subscribers.Length;

    public void Publish(IReadOnlyList<TicketChange> changes)
    {
        if (changes.Count == 0) return;
        foreach (var subscriber in subscribers)
            foreach (var change in changes)
                subscriber.Offer(change);
    }

    /// <summary>Changes committed from now on, until the subscription is disposed.</summary>
    public Subscription Subscribe()
    {
        var subscription = new Subscription(this);
        lock (gate) subscribers = subscribers.Add(subscription);
        return subscription;
    }

    void Remove(Subscription subscription)
    {
        lock (gate) subscribers = subscribers.Remove(subscription);
    }

    public sealed class Subscription : IDisposable
    {
        readonly TicketChangeFeed feed;
        readonly Channel<TicketChange> channel;
        int overflowed;

        internal Subscription(TicketChangeFeed feed)
        {
            this.feed = feed;
            // A viewer that falls far behind drops the oldest ids and is told to reload instead of growing without bound.
            channel = Channel.CreateBounded<TicketChange>(
                new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
                _ => Interlocked.Exchange(ref overflowed, 1));
        }

        public ChannelReader<TicketChange> Reader => channel.Reader;

        /// <summary>True once since the last call when changes were dropped because the reader fell behind.</summary>
        public bool TakeOverflow() => Interlocked.Exchange(ref overflowed, 0) == 1;

        internal void Offer(TicketChange change) => channel.Writer.TryWrite(change);

        public void Dispose()
        {
            feed.Remove(this);
            channel.Writer.TryComplete();
        }
    }
}
