using System.Globalization;
using System.Text;

namespace Flowdesk.Processes.Expressions;

internal enum TokenKind
{
    End, String, Number, Path, True, False, Null, In, Contains, Word,
    LParen, RParen, LBracket, RBracket, Comma, Compare, And, Or, Not, Error,
}

/// <summary>A token; Start is 0-based, Column 1-based.</summary>
internal sealed record Token(TokenKind Kind, int Start, int Length, string Text, ConditionValue Value = default, ConditionError? Error = null)
{
    public int Column => Start + 1;
}

/// <summary>Recursive descent over a token list; the first error wins and is returned, never thrown.</summary>
internal sealed class ConditionParser
{
    private readonly string text;
    private readonly List<Token> tokens;
    private readonly List<string> paths = [];
    private int position;
    private int depth;
    private ConditionError? error;

    private ConditionParser(string text, List<Token> tokens)
    {
        this.text = text;
        this.tokens = tokens;
    }

    public static ConditionParse Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return ConditionParse.Fail(new ConditionError("condition.empty", [], 0));
        if (text.Length > Condition.MaxLength)
            return ConditionParse.Fail(new ConditionError("condition.too_long", [Condition.MaxLength], Condition.MaxLength + 1));

        var parser = new ConditionParser(text, ConditionLexer.Tokenize(text));
        var node = parser.ParseOr(previous: null);
        if (node is not null && parser.error is null)
        {
            var next = parser.Current;
            parser.error = next.Kind switch
            {
                TokenKind.End => null,
                TokenKind.Error => next.Error,
                TokenKind.RParen => new ConditionError("condition.unmatched_close_paren", [next.Column], next.Column),
                TokenKind.Word => UseInstead(next),
                _ => new ConditionError("condition.expected_end", [next.Column, Shorten(next.Text)], next.Column),
            };
        }
        return parser.error is not null || node is null
            ? ConditionParse.Fail(parser.error!)
            : new ConditionParse(new Condition(text, node, parser.paths.Distinct().ToList()), null, 0);
    }

    private Token Current => tokens[position];

    private Token Advance()
    {
        var token = tokens[position];
        if (position < tokens.Count - 1) position++;
        return token;
    }

    private ConditionNode? ParseOr(Token? previous) => ParseLogical(TokenKind.Or, previous);

    private ConditionNode? ParseLogical(TokenKind kind, Token? previous)
    {
        var start = Current;
        var first = kind == TokenKind.Or ? ParseLogical(TokenKind.And, previous) : ParseUnary(previous);
        if (first is null || Current.Kind != kind) return first;
        var operands = new List<ConditionNode> { first };
        while (Current.Kind == kind)
        {
            var op = Advance();
            var next = kind == TokenKind.Or ? ParseLogical(TokenKind.And, op) : ParseUnary(op);
            if (next is null) return null;
            operands.Add(next);
        }
        return new LogicalNode(kind == TokenKind.And, operands, SourceFrom(start), start.Column);
    }

    private ConditionNode? ParseUnary(Token? previous)
    {
        if (Current.Kind != TokenKind.Not) return ParseComparison(previous);
        var not = Advance();
        if (!Enter(not)) return null;
        var operand = ParseUnary(not);
        depth--;
        return operand is null ? null : new NotNode(operand, SourceFrom(not), not.Column);
    }

    private ConditionNode? ParseComparison(Token? previous)
    {
        var start = Current;
        var left = ParseOperand(previous);
        if (left is null) return null;
        if (Current.Kind is not (TokenKind.Compare or TokenKind.In or TokenKind.Contains)) return left;
        var op = Advance();
        ConditionNode? right;
        if (op.Kind == TokenKind.In)
        {
            if (Current.Kind is TokenKind.Error) return Fail(Current.Error!);
            if (Current.Kind is not (TokenKind.LBracket or TokenKind.Path))
                return Fail(new ConditionError("condition.expected_list", [Current.Column], Current.Column));
            right = ParseOperand(op);
        }
        else
        {
            right = ParseOperand(op);
        }
        return right is null ? null : new CompareNode(op.Text, left, right, SourceFrom(start), op.Column);
    }

    private ConditionNode? ParseOperand(Token? previous)
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.String or TokenKind.Number or TokenKind.True or TokenKind.False or TokenKind.Null:
                Advance();
                return new LiteralNode(token.Value, token.Text, token.Column);
            case TokenKind.Path:
                Advance();
                return PathFrom(token);
            case TokenKind.LBracket:
                return ParseList();
            case TokenKind.LParen:
                var open = Advance();
                if (!Enter(open)) return null;
                var inner = ParseOr(open);
                depth--;
                if (inner is null) return null;
                if (Current.Kind == TokenKind.Error) return Fail(Current.Error!);
                if (Current.Kind != TokenKind.RParen)
                    return Fail(new ConditionError("condition.expected_close_paren",
                        [open.Column, Shorten(Current.Kind == TokenKind.End ? "end" : Current.Text), Current.Column], Current.Column));
                Advance();
                return inner;
            case TokenKind.Error:
                return Fail(token.Error!);
            case TokenKind.Word:
                return Fail(UseInstead(token));
            default:
                return Fail(previous is null
                    ? new ConditionError("condition.expected_condition", [token.Column], token.Column)
                    : new ConditionError("condition.expected_value", [previous.Text, token.Column], token.Column));
        }
    }

    private ConditionNode? ParseList()
    {
        var open = Advance();
        if (!Enter(open)) return null;
        var items = new List<LiteralNode>();
        if (Current.Kind != TokenKind.RBracket)
        {
            while (true)
            {
                var item = Current;
                if (item.Kind == TokenKind.Error) return Fail(item.Error!);
                if (item.Kind is not (TokenKind.String or TokenKind.Number or TokenKind.True or TokenKind.False or TokenKind.Null))
                    return Fail(new ConditionError("condition.expected_list_item", [item.Column], item.Column));
                Advance();
                items.Add(new LiteralNode(item.Value, item.Text, item.Column));
                if (Current.Kind == TokenKind.Comma) { Advance(); continue; }
                if (Current.Kind == TokenKind.RBracket) break;
                if (Current.Kind == TokenKind.Error) return Fail(Current.Error!);
                return Fail(new ConditionError("condition.expected_list_end", [Current.Column], Current.Column));
            }
        }
        Advance();
        depth--;
        return new ListNode(items, SourceFrom(open), open.Column);
    }

    private PathNode? PathFrom(Token token)
    {
        var dot = token.Text.IndexOf('.', StringComparison.Ordinal);
        var root = dot < 0 ? token.Text : token.Text[..dot];
        if (!Condition.Roots.Contains(root))
        {
            Fail(new ConditionError("condition.unknown_root", [Shorten(token.Text), token.Column], token.Column));
            return null;
        }
        if (dot < 0)
        {
            var column = token.Column + token.Length;
            Fail(new ConditionError("condition.expected_field", [root, column], column));
            return null;
        }
        paths.Add(token.Text);
        return new PathNode(token.Text, token.Column);
    }

    private bool Enter(Token token)
    {
        if (++depth <= Condition.MaxDepth) return true;
        Fail(new ConditionError("condition.too_deep", [Condition.MaxDepth, token.Column], token.Column));
        return false;
    }

    private ConditionNode? Fail(ConditionError failure)
    {
        error ??= failure;
        return null;
    }

    private string SourceFrom(Token start)
    {
        var last = tokens[Math.Max(position - 1, 0)];
        var end = Math.Max(last.Start + last.Length, start.Start);
        return text[start.Start..end];
    }

    private static ConditionError UseInstead(Token word)
    {
        var instead = word.Text switch { "and" => "&&", "or" => "||", "not" => "!", _ => "==" };
        return new ConditionError("condition.use_instead", [instead, word.Text, word.Column], word.Column);
    }

    internal static string Shorten(string text) => text.Length <= 24 ? text : string.Concat(text.AsSpan(0, 23), "…");
}

internal static class ConditionLexer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, text.Length, 0, ""));
                return tokens;
            }
            var token = Next(text, i);
            tokens.Add(token);
            // After an error nothing further is read: the parser reports the first error it reaches.
            if (token.Kind == TokenKind.Error)
            {
                tokens.Add(new Token(TokenKind.End, text.Length, 0, ""));
                return tokens;
            }
            i = token.Start + token.Length;
        }
    }

    private static Token Next(string text, int i)
    {
        var c = text[i];
        var next = i + 1 < text.Length ? text[i + 1] : '\0';
        switch (c)
        {
            case '(': return Simple(TokenKind.LParen, text, i, 1);
            case ')': return Simple(TokenKind.RParen, text, i, 1);
            case '[': return Simple(TokenKind.LBracket, text, i, 1);
            case ']': return Simple(TokenKind.RBracket, text, i, 1);
            case ',': return Simple(TokenKind.Comma, text, i, 1);
            case '=' when next == '=': return Simple(TokenKind.Compare, text, i, 2);
            case '=': return Error(i, 1, text, new ConditionError("condition.use_instead", ["==", "=", i + 1], i + 1));
            case '!' when next == '=': return Simple(TokenKind.Compare, text, i, 2);
            case '!': return Simple(TokenKind.Not, text, i, 1);
            case '<' or '>': return Simple(TokenKind.Compare, text, i, next == '=' ? 2 : 1);
            case '&' when next == '&': return Simple(TokenKind.And, text, i, 2);
            case '|' when next == '|': return Simple(TokenKind.Or, text, i, 2);
            case '&' or '|':
                return Error(i, 1, text, new ConditionError("condition.use_instead", [new string(c, 2), c.ToString(), i + 1], i + 1));
            case '\'' or '"': return ReadString(text, i);
        }
        if (char.IsAsciiDigit(c) || (c == '-' && char.IsAsciiDigit(next))) return ReadNumber(text, i);
        if (IsIdentifierStart(c)) return ReadWord(text, i);
        var shown = char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString();
        return Error(i, 1, text, new ConditionError("condition.unexpected_character", [shown, i + 1], i + 1));
    }

    private static Token ReadString(string text, int start)
    {
        var quote = text[start];
        var value = new StringBuilder();
        var i = start + 1;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == quote)
                return new Token(TokenKind.String, start, i + 1 - start, text[start..(i + 1)], ConditionValue.Of(value.ToString()));
            if (c != '\\')
            {
                value.Append(c);
                i++;
                continue;
            }
            var e = i + 1 < text.Length ? text[i + 1] : '\0';
            switch (e)
            {
                case '\'' or '"' or '\\': value.Append(e); i += 2; continue;
                case 'n': value.Append('\n'); i += 2; continue;
                case 't': value.Append('\t'); i += 2; continue;
                case 'r': value.Append('\r'); i += 2; continue;
                case 'u' when i + 6 <= text.Length
                    && int.TryParse(text.AsSpan(i + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                    value.Append((char)code);
                    i += 6;
                    continue;
                case '\0' when i + 1 >= text.Length:
                    return Error(start, text.Length - start, text, new ConditionError("condition.unterminated_string", [start + 1], start + 1));
                default:
                    var shown = text.Substring(i, Math.Min(2, text.Length - i));
                    return Error(i, 1, text, new ConditionError("condition.bad_escape", [shown, i + 1], i + 1));
            }
        }
        return Error(start, text.Length - start, text, new ConditionError("condition.unterminated_string", [start + 1], start + 1));
    }

    private static Token ReadNumber(string text, int start)
    {
        var i = start;
        if (text[i] == '-') i++;
        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        var ok = true;
        if (i < text.Length && text[i] == '.')
        {
            i++;
            ok = i < text.Length && char.IsAsciiDigit(text[i]);
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        }
        if (ok && i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-') i++;
            ok = i < text.Length && char.IsAsciiDigit(text[i]);
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        }
        // "12abc", "1.2.3": the whole run is reported, not a number followed by a surprise.
        var end = i;
        while (end < text.Length && (IsIdentifierPart(text[end]) || text[end] == '.')) end++;
        var raw = text[start..end];
        if (!ok || end != i
            || !double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
            return Error(start, end - start, text, new ConditionError("condition.bad_number", [ConditionParser.Shorten(raw), start + 1], start + 1));
        return new Token(TokenKind.Number, start, end - start, raw, ConditionValue.Of(number));
    }

    private static Token ReadWord(string text, int start)
    {
        var i = start;
        while (true)
        {
            while (i < text.Length && IsIdentifierPart(text[i])) i++;
            if (i >= text.Length || text[i] != '.') break;
            if (i + 1 >= text.Length || !IsIdentifierStart(text[i + 1]))
            {
                var segment = text[start..i];
                return Error(start, i + 1 - start, text,
                    new ConditionError("condition.expected_field", [ConditionParser.Shorten(segment), i + 2], i + 2));
            }
            i++;
        }
        var word = text[start..i];
        return word switch
        {
            "true" => new Token(TokenKind.True, start, i - start, word, ConditionValue.True),
            "false" => new Token(TokenKind.False, start, i - start, word, ConditionValue.False),
            "null" => new Token(TokenKind.Null, start, i - start, word, ConditionValue.Null),
            "in" => new Token(TokenKind.In, start, i - start, word),
            "contains" => new Token(TokenKind.Contains, start, i - start, word),
            "and" or "or" or "not" or "is" or "equals" => new Token(TokenKind.Word, start, i - start, word),
            _ => new Token(TokenKind.Path, start, i - start, word),
        };
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static Token Simple(TokenKind kind, string text, int start, int length) => new(kind, start, length, text.Substring(start, length));

    private static Token Error(int start, int length, string text, ConditionError error) =>
        new(TokenKind.Error, start, length, text.Substring(start, length), Error: error);
}
