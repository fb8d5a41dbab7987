import SparkConnectProtocol

/// A Spark SQL expression built from typed values, never by splicing strings: columns, literals,
/// function calls, casts and aliases. ``proto`` turns it into the Spark Connect message.
public indirect enum SparkExpression: Sendable, Hashable {
    /// A column by name (`species`, `features`).
    case column(String)
    /// A literal value.
    case literal(SparkLiteral)
    /// A call of a Spark SQL function by name (`array_position`, `==`, `+`, `isnotnull`).
    case function(String, [SparkExpression])
    /// A cast to a Spark SQL type name (`int`, `double`, `string`).
    case cast(SparkExpression, to: String)
    /// The expression under another name.
    case alias(SparkExpression, name: String)

    /// `lhs == rhs`.
    public static func equals(_ lhs: SparkExpression, _ rhs: SparkExpression) -> SparkExpression { .function("==", [lhs, rhs]) }
    /// `lhs AND rhs`.
    public static func and(_ lhs: SparkExpression, _ rhs: SparkExpression) -> SparkExpression { .function("and", [lhs, rhs]) }
    /// `expression IS NOT NULL`.
    public static func isNotNull(_ expression: SparkExpression) -> SparkExpression { .function("isnotnull", [expression]) }
    /// A string literal.
    public static func string(_ value: String) -> SparkExpression { .literal(.string(value)) }
    /// An integer literal.
    public static func integer(_ value: Int32) -> SparkExpression { .literal(.integer(value)) }

    /// `array(values...)` of string literals.
    public static func stringArray(_ values: [String]) -> SparkExpression { .function("array", values.map(string)) }

    /// The 0-based position of `value` in `labels`, as a double (Spark ML's label column type);
    /// null when `value` is none of them.
    public static func labelIndex(of value: SparkExpression, in labels: [String]) -> SparkExpression {
        .cast(.function("-", [.function("array_position", [stringArray(labels), value]), .literal(.long(1))]), to: "double")
    }

    /// The label whose 0-based index is `index` (a numeric column such as Spark's `prediction`).
    public static func label(at index: SparkExpression, in labels: [String]) -> SparkExpression {
        .function("element_at", [stringArray(labels), .function("+", [.cast(index, to: "int"), .integer(1)])])
    }

    /// The Spark Connect message.
    public var proto: Spark_Connect_Expression {
        var expression = Spark_Connect_Expression()
        switch self {
        case .column(let name):
            var attribute = Spark_Connect_Expression.UnresolvedAttribute()
            attribute.unparsedIdentifier = name
            expression.unresolvedAttribute = attribute
        case .literal(let literal):
            expression.literal = literal.proto
        case .function(let name, let arguments):
            var function = Spark_Connect_Expression.UnresolvedFunction()
            function.functionName = name
            function.arguments = arguments.map(\.proto)
            expression.unresolvedFunction = function
        case .cast(let inner, let type):
            var cast = Spark_Connect_Expression.Cast()
            cast.expr = inner.proto
            cast.typeStr = type
            expression.cast = cast
        case .alias(let inner, let name):
            var alias = Spark_Connect_Expression.Alias()
            alias.expr = inner.proto
            alias.name = [name]
            expression.alias = alias
        }
        return expression
    }
}

/// A literal value of a Spark expression or an ML parameter.
public enum SparkLiteral: Sendable, Hashable {
    case boolean(Bool)
    case integer(Int32)
    case long(Int64)
    case double(Double)
    case string(String)
    /// An array of strings (`inputCols` of an assembler).
    case strings([String])

    /// The Spark Connect message.
    public var proto: Spark_Connect_Expression.Literal {
        var literal = Spark_Connect_Expression.Literal()
        switch self {
        case .boolean(let value): literal.boolean = value
        case .integer(let value): literal.integer = value
        case .long(let value): literal.long = value
        case .double(let value): literal.double = value
        case .string(let value): literal.string = value
        case .strings(let values):
            var array = Spark_Connect_Expression.Literal.Array()
            var elementType = Spark_Connect_DataType()
            elementType.string = Spark_Connect_DataType.StringMessage()
            array.elementType = elementType
            array.elements = values.map { SparkLiteral.string($0).proto }
            literal.array = array
        }
        return literal
    }

    /// The value of a literal Spark sent back (an ML parameter or evaluation), when it is a number.
    public static func number(_ literal: Spark_Connect_Expression.Literal) -> Double? {
        switch literal.literalType {
        case .double(let value): value
        case .float(let value): Double(value)
        case .integer(let value): Double(value)
        case .long(let value): Double(value)
        case .short(let value): Double(value)
        default: nil
        }
    }
}
