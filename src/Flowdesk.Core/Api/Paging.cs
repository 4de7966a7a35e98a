using System.Globalization;

namespace Flowdesk.Api;

/// <summary>
/// A list's page as API.md gives it for every list: <c>?page=1&amp;pageSize=50</c>, page from 1, pageSize 1 to 200.
/// Read in one place so every list refuses the same bad values the same way, including a page so far out that its
/// offset would overflow (PostgreSQL refuses a negative OFFSET, which would have been a 500).
/// </summary>
public readonly record struct Paging(int Page, int PageSize)
{
    public const int MaxPageSize = 200;

    /// <summary>How many rows come before this page.</summary>
    public int Skip => (Page - 1) * PageSize;

    /// <summary>The two parameters as sent (absent: page 1 of <paramref name="defaultSize"/>); each bad one is added to <paramref name="errors"/>.</summary>
    public static Paging Read(FieldErrors errors, string? page, string? pageSize, int defaultSize = 50)
    {
        var number = Parse(page, 1);
        var size = Parse(pageSize, defaultSize);
        if (size is null or < 1 or > MaxPageSize)
        {
            errors.Add("pageSize", "validation.page_size", MaxPageSize);
            size = defaultSize;
        }
        if (number is null or < 1 || (long)(number.Value - 1) * size.Value > int.MaxValue)
        {
            errors.Add("page", "validation.page");
            number = 1;
        }
        return new Paging(number.Value, size.Value);
    }

    /// <summary>
    /// A page number from a screen's address, where a bad one shows a page rather than an error: at least 1, and no
    /// further than the last page whose offset fits in an int.
    /// </summary>
    public static int Clamp(int? page, int pageSize) => Math.Clamp(page ?? 1, 1, int.MaxValue / pageSize);

    static int? Parse(string? value, int fallback) =>
        string.IsNullOrEmpty(value) ? fallback : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
