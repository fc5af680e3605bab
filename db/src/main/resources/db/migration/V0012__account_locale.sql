-- The language a signed-in person chose for the portal (issue 16): a language tag such as 'de' or
-- 'en', applied on the next page load and at sign-in. NULL: follow the browser's language.
ALTER TABLE account ADD COLUMN locale VARCHAR(16);
