using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Flowdesk.Tests.Processes.Expressions;

/// <summary>The entries of Messages.resx and Messages.zh-CN.resx as they are in the source tree.</summary>
static partial class MessageTexts
{
    static readonly Lazy<(IReadOnlyDictionary<string, string> En, IReadOnlyDictionary<string, string> Zh)> Files = new(Load);

    public static IReadOnlyDictionary<string, string> English => Files.Value.En;
    public static IReadOnlyDictionary<string, string> Chinese => Files.Value.Zh;

    /// <summary>The placeholders a text uses, e.g. {0}, {2}.</summary>
    public static IReadOnlySet<string> Placeholders(string text) =>
        Placeholder().Matches(text).Select(m => m.Value).ToHashSet();

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();

    static (IReadOnlyDictionary<string, string>, IReadOnlyDictionary<string, string>) Load()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Flowdesk.slnx"))) directory = directory.Parent;
        var folder = Path.Combine(directory?.FullName ?? "/work/main", "src", "Flowdesk.Core", "Localization");
        return (Read(Path.Combine(folder, "Messages.resx")), Read(Path.Combine(folder, "Messages.zh-CN.resx")));
    }

    static Dictionary<string, string> Read(string path) =>
        XDocument.Load(path).Root!.Elements("data")
            .GroupBy(d => (string)d.Attribute("name")!)
            .ToDictionary(g => g.Key, g => (string)g.First().Element("value")!);
}
