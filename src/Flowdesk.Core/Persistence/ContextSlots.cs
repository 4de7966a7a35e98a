using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Persistence;

/// <summary>
/// State an interceptor keeps for one <see cref="FlowdeskDb"/> instance (what a save is about to change, who holds
/// SQLite's write gate), stored on the context itself and gone with it. It replaces process-wide
/// <c>ConditionalWeakTable</c>s keyed by context, connection or transaction: every such entry churned the tables'
/// containers, whose finalizers and locks were 13 % of the server's samples in the email intake.
/// </summary>
public sealed class ContextSlots
{
    readonly Dictionary<object, object> slots = new(ReferenceEqualityComparer.Instance);

    /// <summary>The owner's value on this context, made on first use.</summary>
    public T GetOrAdd<T>(object owner, Func<T> create) where T : class
    {
        lock (slots)
        {
            if (slots.TryGetValue(owner, out var value)) return (T)value;
            var made = create();
            slots[owner] = made;
            return made;
        }
    }

    public bool TryGet<T>(object owner, out T value) where T : class
    {
        lock (slots)
        {
            var found = slots.TryGetValue(owner, out var stored);
            value = found ? (T)stored! : null!;
            return found;
        }
    }

    public void Remove(object owner)
    {
        lock (slots) slots.Remove(owner);
    }

    /// <summary>The slots of a Flowdesk context; null for any other context (which the interceptors leave alone).</summary>
    public static ContextSlots? Of(DbContext? context) => (context as FlowdeskDb)?.Slots;
}
