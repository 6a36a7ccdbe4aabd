import type { Api } from '../../../core/model.ts';
import type { Services } from '../../../runtime/services.ts';
import { usernameOf } from '../devportal/presenters.ts';
import { publisherApi, publisherApiInfo } from './mappers.ts';

export const presentPublisherApi = async (services: Services, api: Api) => publisherApi(api, await usernameOf(services, api.providerId));
export const presentPublisherApiInfo = async (services: Services, api: Api) => publisherApiInfo(api, await usernameOf(services, api.providerId));
