using System.Globalization;
using System.Text.RegularExpressions;
using Fluid;
using Fluid.Values;

namespace Flowdesk.Notifications;

/// <summary>
/// A node of the template model: named values (strings, numbers, instants, nested nodes). Templates can read only
/// what is put here — no CLR object is exposed, so a template cannot reach into the database or call methods.
/// </summary>
public sealed class ModelObject(string path)
{
    public string Path { get; } = path;
    public Dictionary<string, object?> Members { get; } = new(StringComparer.Ordinal);

    public object? this[string name]
    {
        get => Members.GetValueOrDefault(name);
        set => Members[name] = value;
    }
}

public sealed record TemplateProblem(string Field, int Line, int Column, string Code, string Detail);

public sealed record RenderedTemplate(string Subject, string Body);

/// <summary>A template failed while rendering (it parsed when saved but no longer fits the model, or ran too long).</summary>
public sealed class TemplateRenderException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Liquid (Fluid) templates for notifications: checked when an admin saves them (syntax errors with their line, unknown
/// placeholders and filters named), rendered against a <see cref="ModelObject"/> with a step limit. Output is plain
/// text; e-mail HTML is built from it with every character encoded (see <see cref="NotificationHtml"/>).
/// </summary>
public static partial class TemplateRenderer
{
    const int MaxSteps = 20_000;
    const string MissingKey = "flowdesk.missing";
    static readonly FluidParser Parser = new();

    public static IReadOnlyList<TemplateProblem> Validate(string subject, string body, ModelObject sample)
    {
        List<TemplateProblem> problems = [];
        Check("subject", subject, sample, problems);
        Check("body", body, sample, problems);
        return problems;
    }

    static void Check(string field, string source, ModelObject sample, List<TemplateProblem> problems)
    {
        if (!Parser.TryParse(source, out var template, out var error))
        {
            var (line, column) = Position(error);
            problems.Add(new TemplateProblem(field, line, column, "syntax", FirstLine(error)));
            return;
        }
        var context = Context(sample, out var missing);
        try
        {
            template.Render(context);
        }
        catch (Exception e) when (e is FluidException or InvalidOperationException or ArgumentException or FormatException)
        {
            var filter = UnknownFilter().Match(e.Message);
            if (filter.Success)
            {
                var (line, column) = Find(source, filter.Groups[1].Value);
                problems.Add(new TemplateProblem(field, line, column, "unknown_filter", filter.Groups[1].Value));
            }
            else
            {
                problems.Add(new TemplateProblem(field, 1, 1, "render", FirstLine(e.Message)));
            }
        }
        foreach (var path in missing.Distinct(StringComparer.Ordinal))
        {
            var (line, column) = Find(source, path);
            problems.Add(new TemplateProblem(field, line, column, "unknown_placeholder", path));
        }
    }

    /// <summary>Renders subject and body; throws <see cref="TemplateRenderException"/> when either cannot be parsed or rendered.</summary>
    public static RenderedTemplate Render(string subject, string body, ModelObject model) =>
        new(RenderOne(subject, model).ReplaceLineEndings(" ").Trim(), RenderOne(body, model).Trim());

    static string RenderOne(string source, ModelObject model)
    {
        if (!Parser.TryParse(source, out var template, out var error))
            throw new TemplateRenderException(FirstLine(error));
        try
        {
            return template.Render(Context(model, out _));
        }
        catch (Exception e) when (e is FluidException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw new TemplateRenderException(FirstLine(e.Message), e);
        }
    }

    static TemplateContext Context(ModelObject model, out List<string> missing)
    {
        var found = new List<string>();
        var options = new TemplateOptions
        {
            MaxSteps = MaxSteps,
            MaxRecursion = 10,
            StrictFilters = true,
            CultureInfo = CultureInfo.InvariantCulture,
        };
        options.Undefined = name =>
        {
            found.Add(name);
            return ValueTask.FromResult<FluidValue>(NilValue.Instance);
        };
        var context = new TemplateContext(options);
        context.AmbientValues[MissingKey] = found;
        foreach (var (name, value) in model.Members) context.SetValue(name, Wrap(value, options));
        missing = found;
        return context;
    }

    internal static FluidValue Wrap(object? value, TemplateOptions options) => value switch
    {
        null => NilValue.Instance,
        ModelObject node => new ModelValue(node),
        DateTimeOffset instant => new StringValue(instant.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)),
        _ => FluidValue.Create(value, options),
    };

    static (int Line, int Column) Position(string error)
    {
        var match = ParsePosition().Match(error);
        return match.Success
            ? (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture))
            : (1, 1);
    }

    /// <summary>Where a placeholder's last name (or a filter) first appears: good enough to point an admin at the line.</summary>
    static (int Line, int Column) Find(string source, string path)
    {
        var lines = source.Split('\n');
        foreach (var needle in new[] { path, path[(path.LastIndexOf('.') + 1)..] })
            for (var i = 0; i < lines.Length; i++)
            {
                var at = lines[i].IndexOf(needle, StringComparison.Ordinal);
                if (at >= 0) return (i + 1, at + 1);
            }
        return (1, 1);
    }

    static string FirstLine(string text) => text.Split('\n')[0].Trim();

    [GeneratedRegex(@"\((\d+):(\d+)\)")]
    private static partial Regex ParsePosition();

    [GeneratedRegex(@"Undefined filter '([^']+)'")]
    private static partial Regex UnknownFilter();

    /// <summary>A model node as Fluid sees it: its members by name, and unknown names recorded instead of silently blank.</summary>
    sealed class ModelValue(ModelObject node) : ObjectValueBase(node)
    {
        public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context)
        {
            if (node.Members.TryGetValue(name, out var value)) return ValueTask.FromResult(Wrap(value, context.Options));
            if (context.AmbientValues.TryGetValue(MissingKey, out var list) && list is List<string> missing) missing.Add($"{node.Path}.{name}");
            return ValueTask.FromResult<FluidValue>(NilValue.Instance);
        }

        public override string ToStringValue() => "";

        public override bool ToBooleanValue() => true;
    }
}
