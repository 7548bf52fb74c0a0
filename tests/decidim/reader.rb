# Reads a file as Decidim's admin import does, with Ruby's own CSV and JSON (Debian's `ruby`),
# so that the tests check our Decidim files against the real parser, not one of ours.
#
#   ruby tests/decidim/reader.rb proposals|answers FILE [LOCALE]
#
# Mirrors (decidim-admin, decidim-proposals, read in the 0.28–0.30 sources):
#  - Readers::CSV: ::CSV.read(file, col_sep: ";", encoding: "BOM|UTF-8"), first row the header,
#    headers taken as they are (no strip, no downcase), an empty unquoted cell is nil;
#  - Readers::JSON: a top-level array of objects, nested hashes flattened to "title/fr", the
#    columns those of the first object;
#  - the verifier: the required headers (title/LOCALE and body/LOCALE for proposals; id, state
#    and answer/LOCALE for answers), no duplicate header, at least one row (else "Invalid file
#    provided"); a proposal needs a title and a body; an answer's state must be one of the
#    default answerable states.
# Prints {"rows": [...], "errors": [...]} as JSON.
require "csv"
require "json"

kind, file, locale = ARGV[0], ARGV[1], (ARGV[2] || "fr")
errors = []

def flat_hash(hash, prefix = nil)
  hash.each_with_object({}) do |(key, value), out|
    name = prefix ? "#{prefix}/#{key}" : key.to_s
    if value.is_a?(Hash)
      out.merge!(flat_hash(value, name))
    else
      out[name] = value
    end
  end
end

rows =
  begin
    if file.end_with?(".json")
      records = JSON.parse(File.read(file, encoding: "BOM|UTF-8"))
      raise JSON::ParserError, "not an array of objects" unless records.is_a?(Array) && records.all? { |r| r.is_a?(Hash) }
      flat = records.map { |r| flat_hash(r) }
      columns = flat.first ? flat.first.keys : []
      flat.map { |r| columns.to_h { |c| [c, r[c]] } }
    else
      table = ::CSV.read(file, col_sep: ";", encoding: "BOM|UTF-8")
      headers = (table.first || []).map { |h| h.to_s }
      duplicated = headers.select { |h| headers.count(h) > 1 }.uniq
      errors << "duplicate column(s) #{duplicated.join(', ')}" unless duplicated.empty?
      table.drop(1).map { |values| headers.each_with_index.to_h { |h, i| [h, values[i]] } }
    end
  rescue ::CSV::MalformedCSVError, JSON::ParserError, ArgumentError => e
    errors << "#{e.class}: #{e.message}"
    []
  end

required = kind == "answers" ? ["id", "state", "answer/#{locale}"] : ["title/#{locale}", "body/#{locale}"]
present = rows.first ? rows.first.keys : []
missing = required - present
errors << "missing column(s) #{missing.join(', ')}" if !rows.empty? && !missing.empty?
errors << "invalid file provided: no row" if rows.empty? && errors.empty?
rows.each_with_index do |row, index|
  line = index + 2
  if kind == "answers"
    errors << "line #{line}: id is not a number" unless row["id"].to_s =~ /\A\d+\z/
    errors << "line #{line}: state #{row['state'].inspect} is not answerable" unless %w[accepted rejected evaluating].include?(row["state"])
  else
    [row["title/#{locale}"], row["body/#{locale}"]].each do |text|
      errors << "line #{line}: a title or a body is empty" if text.nil? || text.to_s.strip.empty?
    end
  end
end

puts JSON.generate({ rows: rows, errors: errors })
