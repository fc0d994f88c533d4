"""NHN's documented example answers (nhn-sms-api-v2.2), verbatim, shared by the client tests."""

TAG_SENDS_ANSWER = """{
"header": {"isSuccessful": true, "resultCode": 0, "resultMessage": "success"},
"body": {
"pageNum": 0,
"pageSize": 0,
"totalCount": 0,
"data": [
{
"requestId": "20171220141558eonMsyDI6P0",
"requestIp": "127.0.0.1",
"sendType": "0",
"templateId": "TemplateId",
"templateName": "テンプレート名",
"masterStatusCode": "READY",
"sendNo": "15446859",
"requestDate": "2017-12-20 14:15:58",
"tagExpression": ["Kb6BjCY1"],
"title": "タイトル",
"body": "本文",
"adYn": "N",
"autoSendYn": "Y",
"sendErrorCount": 0,
"createUser": "CreateUser",
"createDate": "2017-12-20 14:15:58.0",
"updateUser": "UpdateUser",
"updateDate": "2017-12-20 14:15:58.0"
}
]
}
}"""
"""N15's example answer: its paging numbers are all 0 beside its items."""

TAG_RECIPIENTS_ANSWER = """{
"header": {"isSuccessful": true, "resultCode": 0, "resultMessage": "success"},
"body": {
"pageNum": 0,
"pageSize": 0,
"totalCount": 0,
"data": [
{
"requestId": "20180813022044Jps2xJ1qsv0",
"recipientSeq": 99,
"countryCode": "82",
"recipientNo": "01000000000",
"requestDate": "2018-08-13 02:20:44.0",
"msgStatus": "3",
"msgStatusName": "COMPLETED",
"resultCode": "3015",
"receiveDate": "2018-08-13 02:20:53.0",
"createDate": "2018-08-13 02:20:46.0",
"updateDate": "2018-08-13 02:27:00.0"
}
]
}
}"""
"""N16's example answer: its paging numbers are all 0 beside its items."""
