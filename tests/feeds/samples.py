"""A few synthetic rows in the test partner's layout (tests/feeds/mappings/test-partner.toml)."""

HEADER = (
    "OccRef,NominalId,Forename,Surname,DOB,Gender,Addr1,PostCode,NHSNo,"
    "OccType,OccDate,ClosedDate,Status,OIC,OICPhone,Restricted"
)
GOOD_ROWS = [
    "OC1,N1,Zoë,O'Neill,03/04/2015,F,1 Mill Lane,ab1 2cd,,DOMESTIC,01/02/2026,,OPEN,PC Ash,01632 960111,N",
    "OC2,N1,Zoë,O'Neill,03/04/2015,F,1 Mill Lane,AB1 2CD,,ATTENDANCE,05/03/2026,06/03/2026,CLOSED,PC Ash,,N",
    "OC3,N2,Jamie,Wilson,1987,M,4 High St,AB1 3EF,9434765919,ATTENDANCE,10/01/2026,,CLOSED,,,N",
    "OC4,N3,Katie,Smith,12/12/1990,F,9 Low Rd,not a postcode,1234567890,DOMESTIC,11/01/2026,,OPEN,PC Oak,,Y",
]
