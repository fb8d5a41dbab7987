import Foundation

/// The normalised (snake_case) name of a source column, used for matching headers to a schema's
/// columns and as the name of a kept column in the lake.
///
/// camelCase is split (`studyName` → `study_name`), every run of characters other than letters
/// and digits becomes one underscore (`Sample Number` → `sample_number`, `Mass (g)` → `mass_g`),
/// and a per-mille mark, which says how a ratio is written rather than what it is, is dropped
/// (`Salinity (o/oo)` → `salinity`). Other renamings (an older header of a column) are a schema's
/// `headers`, not a rule of every dataset.
public func normalizedColumnName(_ name: String) -> String {
    var trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
    for mark in ["(o/oo)", "(‰)", "‰"] {
        trimmed = trimmed.replacingOccurrences(of: mark, with: " ", options: .caseInsensitive)
    }
    var words: [String] = []
    var word = ""
    var previous: Character?
    for character in trimmed {
        if character.isLetter || character.isNumber {
            let startsCamelCaseWord = character.isUppercase
                && (previous.map { $0.isLowercase || $0.isNumber } ?? false)
            if startsCamelCaseWord, !word.isEmpty {
                words.append(word)
                word = ""
            }
            word += character.lowercased()
        } else if !word.isEmpty {
            words.append(word)
            word = ""
        }
        previous = character
    }
    if !word.isEmpty { words.append(word) }
    return words.joined(separator: "_")
}
