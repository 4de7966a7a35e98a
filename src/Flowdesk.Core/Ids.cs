using UUIDNext;

namespace Flowdesk;

/// <summary>Keys are GUID v7: time-ordered, so inserts stay at the end of the index.</summary>
public static class Ids
{
    public static Guid New() => Uuid.NewDatabaseFriendly(Database.PostgreSql);
}
