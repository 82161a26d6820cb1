/**
 * The AI evaluation set: questions about the demo Chinook workspace, each with hand-written SQL on the demo
 * SQLite file that gives the ground truth. The SQL returns one row; every value of it must appear in the
 * model's answer (numbers within 0.01). Ties are avoided on purpose, so each question has one right answer.
 */
export interface EvalQuestion {
  id: string;
  question: string;
  /** Against objects/data/chinook.sqlite (PascalCase tables); one row whose values the answer must contain. */
  sql: string;
}

export const EVAL_QUESTIONS: readonly EvalQuestion[] = [
  { id: 'customers-count', question: 'How many customers are there?', sql: 'SELECT COUNT(*) FROM Customer' },
  { id: 'tracks-count', question: 'How many tracks are in the catalogue?', sql: 'SELECT COUNT(*) FROM Track' },
  { id: 'invoices-count', question: 'How many invoices have been issued?', sql: 'SELECT COUNT(*) FROM Invoice' },
  { id: 'revenue-total', question: 'What is the total of all invoices?', sql: 'SELECT ROUND(SUM(Total), 2) FROM Invoice' },
  { id: 'brazil-customers', question: 'How many customers live in Brazil?', sql: "SELECT COUNT(*) FROM Customer WHERE Country = 'Brazil'" },
  {
    id: 'brazil-top',
    question: 'Which customer in Brazil spent the most, and how much?',
    sql: "SELECT c.FirstName || ' ' || c.LastName, ROUND(SUM(i.Total), 2) FROM Invoice i JOIN Customer c ON c.CustomerId = i.CustomerId WHERE c.Country = 'Brazil' GROUP BY c.CustomerId ORDER BY SUM(i.Total) DESC LIMIT 1",
  },
  {
    id: 'top-customer',
    question: 'Which customer has spent the most overall?',
    sql: "SELECT c.FirstName || ' ' || c.LastName FROM Invoice i JOIN Customer c ON c.CustomerId = i.CustomerId GROUP BY c.CustomerId ORDER BY SUM(i.Total) DESC LIMIT 1",
  },
  { id: 'top-country-sales', question: 'Which billing country has the highest total sales?', sql: 'SELECT BillingCountry FROM Invoice GROUP BY BillingCountry ORDER BY SUM(Total) DESC LIMIT 1' },
  { id: 'top-country-customers', question: 'Which country has the most customers?', sql: 'SELECT Country FROM Customer GROUP BY Country ORDER BY COUNT(*) DESC LIMIT 1' },
  { id: 'genre-most-tracks', question: 'Which genre has the most tracks?', sql: 'SELECT g.Name FROM Track t JOIN Genre g ON g.GenreId = t.GenreId GROUP BY g.GenreId ORDER BY COUNT(*) DESC LIMIT 1' },
  {
    id: 'genre-most-sold',
    question: 'Which genre sold the most units, and how many?',
    sql: 'SELECT g.Name, SUM(il.Quantity) FROM InvoiceLine il JOIN Track t ON t.TrackId = il.TrackId JOIN Genre g ON g.GenreId = t.GenreId GROUP BY g.GenreId ORDER BY SUM(il.Quantity) DESC LIMIT 1',
  },
  { id: 'artist-most-albums', question: 'Which artist has the most albums?', sql: 'SELECT a.Name FROM Album al JOIN Artist a ON a.ArtistId = al.ArtistId GROUP BY a.ArtistId ORDER BY COUNT(*) DESC LIMIT 1' },
  { id: 'iron-maiden-albums', question: 'How many albums does Iron Maiden have?', sql: "SELECT COUNT(*) FROM Album al JOIN Artist a ON a.ArtistId = al.ArtistId WHERE a.Name = 'Iron Maiden'" },
  {
    id: 'rep-most-customers',
    question: 'Which support rep looks after the most customers?',
    sql: "SELECT e.FirstName || ' ' || e.LastName FROM Customer c JOIN Employee e ON e.EmployeeId = c.SupportRepId GROUP BY e.EmployeeId ORDER BY COUNT(*) DESC LIMIT 1",
  },
  { id: 'avg-invoice', question: 'What is the average invoice total?', sql: 'SELECT ROUND(AVG(Total), 2) FROM Invoice' },
  { id: 'playlists-count', question: 'How many playlists are there?', sql: 'SELECT COUNT(*) FROM Playlist' },
  { id: 'media-most-tracks', question: 'Which media type has the most tracks?', sql: 'SELECT m.Name FROM Track t JOIN MediaType m ON m.MediaTypeId = t.MediaTypeId GROUP BY m.MediaTypeId ORDER BY COUNT(*) DESC LIMIT 1' },
  { id: 'longest-track', question: 'What is the longest track?', sql: 'SELECT Name FROM Track ORDER BY Milliseconds DESC LIMIT 1' },
  { id: 'employees-count', question: 'How many employees does the store have?', sql: 'SELECT COUNT(*) FROM Employee' },
  { id: 'top-manager', question: 'Which employee has no manager?', sql: "SELECT FirstName || ' ' || LastName FROM Employee WHERE ReportsTo IS NULL" },
  { id: 'best-year', question: 'Which year had the highest sales?', sql: "SELECT strftime('%Y', InvoiceDate) FROM Invoice GROUP BY 1 ORDER BY SUM(Total) DESC LIMIT 1" },
  { id: 'invoice-lines', question: 'How many invoice lines are there?', sql: 'SELECT COUNT(*) FROM InvoiceLine' },
  { id: 'usa-sales', question: 'What are total sales to the USA?', sql: "SELECT ROUND(SUM(Total), 2) FROM Invoice WHERE BillingCountry = 'USA'" },
  { id: 'max-price', question: 'What is the highest track price?', sql: 'SELECT MAX(UnitPrice) FROM Track' },
];

/** Does the answer contain the expected value? Text case-insensitively; numbers within 0.01, with or without thousands separators. */
export function answerContains(answer: string, expected: unknown): boolean {
  if (typeof expected === 'number') {
    const numbers = (answer.replace(/(\d),(\d{3})/g, '$1$2').match(/-?\d+(\.\d+)?/g) ?? []).map(Number);
    return numbers.some((n) => Math.abs(n - expected) < 0.01 + 1e-9);
  }
  const text = String(expected);
  if (/^-?\d+(\.\d+)?$/.test(text)) return answerContains(answer, Number(text));
  return answer.toLocaleLowerCase().includes(text.toLocaleLowerCase());
}
