-- format_sv(x, decimals): x rounded by round_display and written the Swedish way: decimal comma, no-break
-- space between thousands, minus sign U+2212.

-- A number as Swedish text: rounded as above, decimal comma, no-break space between thousands, and a
-- real minus sign (U+2212), e.g. marts.format_sv(-1234.56, 1) = '−1 234,6'.
CREATE OR REPLACE MACRO marts.format_sv(x, decimals) AS
    replace(replace(replace(
        format('{:,.{}f}', marts.round_display(x, decimals), decimals),
        ',', chr(160)), '.', ','), '-', chr(8722));
